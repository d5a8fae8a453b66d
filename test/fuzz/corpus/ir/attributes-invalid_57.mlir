func.func private @f() attributes {a = #moe.quant<int4, block = [1, -128]>}
