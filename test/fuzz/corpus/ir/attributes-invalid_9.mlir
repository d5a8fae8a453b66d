func.func private @f() attributes {a = #moe.window<sliding -3>}
