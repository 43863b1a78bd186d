module lde.test/goprog

go 1.19
