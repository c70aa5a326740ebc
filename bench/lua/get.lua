-- GET one URL with the header given after `--` ("Name: value").
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
dofile(dir .. "report.lua")

function init(args)
  local name, value = args[1]:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
