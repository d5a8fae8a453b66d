func.func private @f() attributes {a = #moe.yarn<factor = 4.0>}
