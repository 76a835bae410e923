-- wrk script: every connection is one signed-in buyer placing orders paid on delivery, as a
-- browser does: submit the add-to-cart form and follow the answer to the cart, submit the
-- checkout form and follow the answer to the order's page (4 requests per order). With the
-- journey flag the buyer also opens the product page first and the checkout page before
-- submitting (6 requests), and takes the form token from the page it just read.
-- The load tool is wrk rather than Python clients: on a 2-core machine a client written in
-- Python takes the CPU the server is being measured on.
--
-- wrk -t16 -c16 -s bench/checkout.lua URL -- PRODUCT_PATH SKU_ID JOURNEY ADDRESS_BODY COOKIE TOKEN [COOKIE TOKEN]...
-- (one thread per connection, so each thread's state is one buyer's).

local threads, counter = {}, 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local product, sku, journey, address, cookie, token
local steps, step, order_path = nil, 1, nil
orders, unexpected = 0, 0

function init(args)
  product, sku, journey, address = args[1], args[2], args[3] == "1", args[4]
  cookie, token = args[3 + 2 * id], args[4 + 2 * id]
  if journey then
    steps = {"product", "add", "cart", "checkout_page", "place", "order"}
  else
    steps = {"add", "cart", "place", "order"}
  end
end

local function form(path, body)
  return wrk.format("POST", path, {["Cookie"] = "session=" .. cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

local function page(path)
  return wrk.format("GET", path, {["Cookie"] = "session=" .. cookie})
end

function request()
  local name = steps[step]
  if name == "product" then return page(product) end
  if name == "add" then return form("/cart/add", "sku_id=" .. sku .. "&quantity=1&csrf_token=" .. token) end
  if name == "cart" then return page("/cart") end
  if name == "checkout_page" then return page("/checkout") end
  if name == "place" then return form("/checkout", address .. "&csrf_token=" .. token) end
  return page(order_path)
end

local function header(headers, wanted)
  for key, value in pairs(headers) do
    if string.lower(key) == wanted then return value end
  end
end

function response(status, headers, body)
  local name = steps[step]
  local set = header(headers, "set-cookie")
  if set then cookie = string.match(set, "session=([^;]*)") or cookie end
  local location = header(headers, "location") or ""
  local ok
  if name == "add" then
    ok = status == 303 and string.find(location, "/cart", 1, true) ~= nil
  elseif name == "place" then
    order_path = string.match(location, "(/orders/[^/?]+)$")
    ok = status == 303 and order_path ~= nil
  else
    ok = status == 200
    local fresh = string.match(body, 'name="csrf_token"[^>]*value="([^"]+)"')
    if fresh and (name == "product" or name == "checkout_page") then token = fresh end
  end
  if not ok then
    -- Start the order over: a half-done order is counted as one unexpected answer.
    unexpected = unexpected + 1
    step = 1
    return
  end
  if name == "order" then orders = orders + 1 end
  step = step % #steps + 1
end

function done(summary, latency, requests)
  local placed, failed = 0, 0
  for _, thread in ipairs(threads) do
    placed = placed + thread:get("orders")
    failed = failed + thread:get("unexpected")
  end
  io.write(string.format("orders %d unexpected %d seconds %.3f p50_ms %.1f p99_ms %.1f\n", placed, failed,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
