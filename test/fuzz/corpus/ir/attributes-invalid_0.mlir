// Parse and verification errors of the moe attributes.

func.func private @f() attributes {a = #moe.window<causal>}
