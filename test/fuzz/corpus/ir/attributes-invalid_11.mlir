func.func private @f() attributes {a = #moe.window<local_global 0, sinks 2>}
