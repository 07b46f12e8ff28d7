-- wrk script for bench/serve-load.sh: POSTs one short text per request to the predict route,
-- cycling through a few everyday sentences so the vectorizer sees varied input.
local texts = {
  "thank you, this made my day",
  "I am so angry right now, this is the third time it broke",
  "what a surprise, I did not expect that at all!",
  "I miss you so much already",
  "lol that is hilarious",
  "I'm not sure what you mean, can you explain?",
  "this is disgusting and you should be ashamed",
  "congratulations on the new job, well deserved",
}
local bodies = {}
for i, t in ipairs(texts) do bodies[i] = '{"texts":["' .. t .. '"]}' end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("TEXTCLASS_BENCH_KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])
end
