func.func private @f() attributes {a = #moe.quant<int8, [1, 128]>}
