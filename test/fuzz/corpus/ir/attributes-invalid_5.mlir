// Only local_global windows take sinks.
func.func private @f() attributes {a = #moe.window<sliding 4, sinks 2>}
