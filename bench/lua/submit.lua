-- POST a submit for a fresh attempt on every request; the file after `--` lists
-- "attempt_id token" lines, one attempt per request, never reused.
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
dofile(dir .. "report.lua")

local attempts = {}
local next_index = 1

function init(args)
  for line in io.lines(args[1]) do
    local id, token = line:match("^(%d+) (%S+)$")
    if id then
      attempts[#attempts + 1] = {id = id, token = token}
    end
  end
end

function request()
  local attempt = attempts[next_index]
  if attempt == nil then
    -- Out of fresh attempts: stop rather than time idempotent repeats.
    wrk.thread:stop()
    attempt = attempts[#attempts]
  end
  next_index = next_index + 1
  return wrk.format("POST", "/api/v1/attempts/" .. attempt.id .. "/submit/", {
    ["Authorization"] = "Token " .. attempt.token,
    ["Content-Type"] = "application/json",
  }, "{}")
end
