// sliding and chunked windows need a size.
func.func private @f() attributes {a = #moe.window<sliding>}
