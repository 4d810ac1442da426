-- wrk script of the proxy benchmark (bench/proxy/run.sh): ordinary browser traffic.
-- A handful of realistic paths with query strings, rotated; the headers a current
-- Chrome sends, with session and analytics cookies and a Host that is not localhost
-- (the default web ACL blocks Host: localhost, as AWS's core rule set does). No
-- attacks: every WAF must pass all of them, and run.sh fails the run if any answer
-- was not 2xx/3xx (a 403 from a false positive would make the figures meaningless).

local host = os.getenv("PROXY_HOST") or "shop.example.com"

local paths = {
	"/",
	"/products?category=shoes&sort=price_asc&page=2",
	"/search?q=trail+running+shoes&ref=nav",
	"/static/css/main.3f2a9c.css",
	"/api/v1/cart?currency=EUR&include=items",
	"/blog/2026/11/how-we-ship-faster?utm_source=newsletter&utm_medium=email&utm_campaign=nov",
	"/account/orders?status=shipped&page=1",
	"/images/hero-banner.webp?w=1200&q=80",
}

local headers = {
	["Host"] = host,
	["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " ..
		"(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif," ..
		"image/webp,*/*;q=0.8",
	["Accept-Language"] = "en-GB,en;q=0.9,fr;q=0.8",
	["Accept-Encoding"] = "gzip, deflate, br",
	["Referer"] = "https://" .. host .. "/",
	["Cookie"] = "session=8f3b2c1d9e7a4f60b5c3d2e1f0a9b8c7; _ga=GA1.2.1234567890.1733300000; " ..
		"_gid=GA1.2.987654321.1733300000; cart=3; theme=dark",
	["Sec-Fetch-Mode"] = "navigate",
	["Upgrade-Insecure-Requests"] = "1",
}

-- Built once per thread; request() only hands out the next one (cheap, so wrk's
-- own cost stays the same for every proxy measured).
local reqs = {}
local n = 0

function init(args)
	for i, p in ipairs(paths) do
		reqs[i] = wrk.format("GET", p, headers)
	end
end

function request()
	n = n % #reqs + 1
	return reqs[n]
end

-- One machine-readable line for run.sh (latencies in microseconds).
function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
		"connect=%d read=%d write=%d timeout=%d status=%d\n",
		summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
		latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
