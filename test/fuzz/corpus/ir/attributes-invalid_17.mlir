// Floats must be written as float literals.
func.func private @f() attributes {a = #moe.yarn<factor = 40, original_max_position_embeddings = 4096>}
