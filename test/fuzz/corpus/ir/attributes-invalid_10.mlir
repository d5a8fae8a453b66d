func.func private @f() attributes {a = #moe.window<chunked 0>}
