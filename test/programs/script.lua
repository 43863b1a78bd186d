-- A realistic Lua script: tables, closures, coroutines, string patterns,
-- string.format with floats, sorting with a comparator, metatables, and
-- files in /tmp (os.tmpname, io.open, seek).
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib(20)", fib(20))
local words = {}
for w in ("the quick brown fox jumps over the lazy dog the end"):gmatch("%a+") do words[w] = (words[w] or 0) + 1 end
local keys = {}
for k in pairs(words) do keys[#keys + 1] = k end
table.sort(keys, function(a, b) if words[a] ~= words[b] then return words[a] > words[b] end return a < b end)
for _, k in ipairs(keys) do io.write(k, "=", words[k], " ") end
print()
local gen = coroutine.wrap(function() for i = 1, 5 do coroutine.yield(i * i) end end)
local s = 0
for _ = 1, 5 do s = s + gen() end
print("squares", s)
print(string.format("%.6f %e %g %5.2f%%", math.pi, 1 / 3, 2 ^ 60, 42.125))
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
print(tostring(setmetatable({x = 1, y = 2}, V) + setmetatable({x = 3, y = 4}, V)))
local name = os.tmpname()
local f = assert(io.open(name, "w"))
for i = 1, 100 do f:write(string.rep(string.char(64 + i % 26), i % 13), "\n") end
f:close()
f = assert(io.open(name, "r"))
local lines, bytes = 0, 0
for l in f:lines() do lines = lines + 1; bytes = bytes + #l end
print("file", lines, bytes, f:seek("end"))
f:close()
os.remove(name)
print("gsub", ("hello world"):gsub("o", "0"), ("2027-01-01"):match("(%d+)-(%d+)-(%d+)"))
local t = {}
for i = 1, 4000 do t[i] = (i * 7919) % 10007 end
table.sort(t)
print("sorted", t[1], t[2000], t[4000], #t)
print(pcall(function() error({code = 7}) end), select("#", pcall(error)))
