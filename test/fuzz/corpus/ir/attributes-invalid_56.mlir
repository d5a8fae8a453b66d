func.func private @f() attributes {a = #moe.quant<int8, block = [0, 128]>}
