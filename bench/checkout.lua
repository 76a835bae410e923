-- wrk script: every connection is one signed-in buyer placing orders paid on delivery.
-- MODE "forms": submit the add-to-cart form, then the checkout form (2 requests per order: the
--   order-taking work; the answers are redirects, read but not followed).
-- MODE "browser": the same with each answer followed to its page, the cart and then the
--   order, as a browser does (4 requests).
-- MODE "journey": also open the product page first and the checkout page before submitting
--   (6 requests), taking the form token from the page just read.
-- The load tool is wrk rather than Python clients: on a 2-core machine a client written in
-- Python takes the CPU the server is being measured on.
--
-- MODE "write" / "write_lazy": the write floor's post (bench/write_floor.py), one request per
--   "order", for the ceiling the checkout rows are read against.
--
-- wrk -t16 -c16 -s bench/checkout.lua URL -- PRODUCT_PATH SKU_ID MODE ADDRESS_BODY COOKIE TOKEN [COOKIE TOKEN]...
-- (one thread per connection, so each thread's state is one buyer's).

local threads, counter = {}, 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local product, sku, address, cookie, token
local steps, step, order_path = nil, 1, nil
orders, unexpected = 0, 0

function init(args)
  product, sku, address = args[1], args[2], args[4]
  cookie, token = args[3 + 2 * id], args[4 + 2 * id]
  steps = ({forms = {"add", "place"}, browser = {"add", "cart", "place", "order"},
            journey = {"product", "add", "cart", "checkout_page", "place", "order"},
            write = {"write"}, write_lazy = {"write_lazy"}})[args[3]]
end

-- The browser's name the buyers signed in with (bench/load.py's USER_AGENT): Flask-Login binds
-- a session to it.
local function form(path, body)
  return wrk.format("POST", path, {["Cookie"] = "session=" .. cookie, ["User-Agent"] = "dongkou-bench",
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

local function page(path)
  return wrk.format("GET", path, {["Cookie"] = "session=" .. cookie, ["User-Agent"] = "dongkou-bench"})
end

function request()
  local name = steps[step]
  if name == "product" then return page(product) end
  if name == "add" then return form("/cart/add", "sku_id=" .. sku .. "&quantity=1&csrf_token=" .. token) end
  if name == "write" then return form("/write", "sku_id=" .. sku .. "&quantity=1&csrf_token=" .. token) end
  if name == "write_lazy" then return form("/write/lazy", "sku_id=" .. sku .. "&quantity=1&csrf_token=" .. token) end
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
  -- Answers set the session cookie to carry their flash message; with no page read to show it
  -- ("forms"), keeping the signed-in cookie stops the messages piling up in it.
  local set = header(headers, "set-cookie")
  if set and #steps > 2 then cookie = string.match(set, "session=([^;]*)") or cookie end
  local location = header(headers, "location") or ""
  local ok
  if name == "add" or name == "write" or name == "write_lazy" then
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
  if name == steps[#steps] then orders = orders + 1 end
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
