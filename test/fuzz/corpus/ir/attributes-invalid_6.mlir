// local_global needs its sinks.
func.func private @f() attributes {a = #moe.window<local_global 4>}
