func.func private @f() attributes {a = #moe.window<local_global 4, sink 2>}
