// A global window takes no size.
func.func private @f() attributes {a = #moe.window<global 4>}
