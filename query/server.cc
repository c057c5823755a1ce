#include "server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <thread>
#include <set>
#include <sstream>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "errors.h"
#include "printer.h"
#include "searcher.h"

namespace lore {

extern const char kSearchPage[];  // query/page/index.html, embedded at build time

namespace {

using Clock = std::chrono::steady_clock;

// Same time whatever the contents: no early exit on the first difference.
bool equal_constant_time(std::string_view a, std::string_view b) {
  size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() != b.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.emplace_back(line.substr(start, i - start));
  }
  return out;
}

std::string error_json(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  w.EndObject();
  return buf.GetString();
}

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.body = error_json(code, message);
  return r;
}

HttpResponse json_response(std::string body) {
  HttpResponse r;
  r.body = std::move(body);
  return r;
}

int status_for(const Error& e) {
  switch (e.code()) {
    case Error::Code::Usage:
    case Error::Code::Query:
    case Error::Code::Input: return 400;
    case Error::Code::NotFound: return 404;
    case Error::Code::Internal: return 500;
    default: return 503;  // the database: missing, locked, corrupt, another version
  }
}

// A request's own error, raised while reading its parameters.
struct BadRequest {
  int status;
  std::string code, message;
};

size_t size_param(const HttpRequest& req, const std::string& name, size_t fallback, size_t max) {
  auto it = req.params.find(name);
  if (it == req.params.end() || it->second.empty()) return fallback;
  const std::string& v = it->second;
  bool digits = v.size() <= 9 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoul(v) > max)
    throw BadRequest{400, "bad_parameter",
                     "parameter " + name + " must be a whole number from 0 to " + std::to_string(max)};
  return std::stoul(v);
}

std::string choice_param(const HttpRequest& req, const std::string& name, const std::string& fallback,
                         std::initializer_list<const char*> allowed) {
  auto it = req.params.find(name);
  if (it == req.params.end() || it->second.empty()) return fallback;
  std::string list;
  for (const char* a : allowed) {
    if (it->second == a) return it->second;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  throw BadRequest{400, "bad_parameter", "parameter " + name + " takes " + list};
}

bool flag_param(const HttpRequest& req, const std::string& name) {
  std::string v = choice_param(req, name, "0", {"0", "1", "false", "true"});
  return v == "1" || v == "true";
}

std::string utc_now() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

constexpr size_t kMaxLimit = 1000;
constexpr size_t kMaxOffset = 100000;

// Bytes MHD may use per connection for the request line and headers; past
// our own caps (answered with JSON), MHD refuses what does not fit itself.
constexpr size_t kConnectionMemory = 64 * 1024;

// Tries of a request whose revision a commit discarded (see with_searcher).
constexpr int kModifiedAttempts = 5;

// A chunked body past the cap is read and dropped up to this many bytes
// (to answer 413), then the connection is closed.
constexpr size_t kMaxDrainedBody = 1024 * 1024;

}  // namespace

// ---------------------------------------------------------------------------
// Tokens

Tokens Tokens::parse(std::string_view text, const std::string& name) {
  Tokens t;
  std::set<std::string> seen;
  size_t line_no = 0, start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    auto words = split_words(line);
    if (words.empty() || words[0][0] == '#') continue;
    if (words[0].size() < 8)
      throw Error(Error::Code::Usage, name + ":" + std::to_string(line_no) + ": token is shorter than 8 characters",
                  "each line is TOKEN PRINCIPAL... with a long random token");
    if (!seen.insert(words[0]).second)
      throw Error(Error::Code::Usage, name + ":" + std::to_string(line_no) + ": the same token is listed twice");
    Access access = Access::public_only();
    for (size_t i = 1; i < words.size(); ++i) {
      if (words[i] == "*")
        access.all = true;
      else
        access.principals.push_back(words[i]);
    }
    t.entries_.emplace_back(words[0], std::move(access));
  }
  return t;
}

Tokens Tokens::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Error::Code::Usage, "cannot read token file " + path + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

std::optional<Access> Tokens::find(std::string_view token) const {
  const Access* found = nullptr;
  for (const auto& [t, access] : entries_)
    if (equal_constant_time(t, token)) found = &access;
  if (!found) return std::nullopt;
  return *found;
}

std::pair<std::string, uint16_t> parse_listen(const std::string& spec) {
  size_t colon = spec.rfind(':');
  if (colon == std::string::npos)
    throw Error(Error::Code::Usage, "--listen takes ADDRESS:PORT, not '" + spec + "'", "e.g. --listen 127.0.0.1:8080");
  std::string addr = spec.substr(0, colon), port = spec.substr(colon + 1);
  if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
  if (addr.empty()) addr = "0.0.0.0";
  bool digits = !port.empty() && port.size() <= 5 &&
                std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoul(port) > 65535)
    throw Error(Error::Code::Usage, "--listen: bad port '" + port + "'", "e.g. --listen 127.0.0.1:8080");
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, addr.c_str(), &a4) != 1 && inet_pton(AF_INET6, addr.c_str(), &a6) != 1)
    throw Error(Error::Code::Usage, "--listen: '" + addr + "' is not an IP address", "e.g. --listen 0.0.0.0:8080");
  return {addr, static_cast<uint16_t>(std::stoul(port))};
}

// ---------------------------------------------------------------------------
// Searchers: Xapian handles are not shared between threads, so each request
// borrows one for its duration and gives it back; a pool (not thread_local)
// because several servers may live in one process (the tests).

class Server::SearcherPool {
 public:
  explicit SearcherPool(std::string path) : path_(std::move(path)) {}

  std::unique_ptr<Searcher> take() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    return std::make_unique<Searcher>(path_);
  }
  void give_back(std::unique_ptr<Searcher> s) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(s));
  }

 private:
  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Searcher>> free_;
};

// The workers: a queue of jobs (one a request) and the threads running
// them. On close(), jobs still queued run too (answering 503 at once, as the
// server is stopping), so every suspended connection is resumed.
class Server::Workers {
 public:
  explicit Workers(unsigned n) {
    for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { run(); });
  }
  ~Workers() { close(); }

  void submit(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
  }

  void close() {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return closed_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // closed and drained
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  bool closed_ = false;
};

// Runs `fn` with a borrowed searcher, up to date with the last commit. A
// searcher that met a database or unexpected error is dropped rather than
// given back, as it may be in a bad state; a caller's error (a bad query, an
// unknown id) leaves it fine.
//
// The Searcher already retries once when a commit discarded the revision it
// was reading (Xapian's DatabaseModifiedError); while lore-index commits
// quickly, one search can meet that twice, so the request is tried again
// from a fresh reopen a few times before it becomes a 503.
template <typename Fn>
auto Server::with_searcher(Fn&& fn) -> decltype(fn(std::declval<Searcher&>())) {
  std::unique_ptr<Searcher> s = pool_->take();
  for (int attempt = 1;; ++attempt) {
    try {
      s->reopen();
      auto out = fn(*s);
      pool_->give_back(std::move(s));
      return out;
    } catch (const Error& e) {
      const bool modified = e.code() == Error::Code::Database &&
                            std::string_view(e.what()).find("DatabaseModifiedError") != std::string_view::npos;
      if (modified && attempt < kModifiedAttempts) continue;
      if (modified || e.code() == Error::Code::Query || e.code() == Error::Code::Usage ||
          e.code() == Error::Code::NotFound)
        pool_->give_back(std::move(s));
      throw;
    }
  }
}

// ---------------------------------------------------------------------------
// Server

Server::Server(ServerOptions options) : options_(std::move(options)) {
  if (options_.threads == 0) options_.threads = 1;
  pool_ = std::make_unique<SearcherPool>(options_.db);
  pool_->give_back(pool_->take());  // the database must open now: exit 3 at start, not 503 later
  tokens_ = std::make_shared<Tokens>(options_.tokens_file.empty() ? Tokens() : Tokens::load(options_.tokens_file));
}

Server::~Server() { stop(std::chrono::milliseconds(0)); }

void Server::reload_tokens() {
  if (options_.tokens_file.empty()) return;
  auto fresh = std::make_shared<Tokens>(Tokens::load(options_.tokens_file));
  std::lock_guard lock(tokens_mutex_);
  tokens_ = std::move(fresh);
}

void Server::write_log(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
    return;
  }
  std::string l = line + "\n";
  // One write(2) a line, so lines from different threads never interleave.
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, l.data(), l.size());
}

std::variant<Access, HttpResponse> Server::authorize(const HttpRequest& req) const {
  if (!req.authorization) return Access::public_only();
  auto unauthorized = [](std::string message) {
    HttpResponse r = error_response(401, "unauthorized", message);
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  };
  std::string_view h = *req.authorization;
  if (h.size() < 7 || strncasecmp(h.data(), "Bearer ", 7) != 0)
    return unauthorized("Authorization must be 'Bearer TOKEN'");
  h.remove_prefix(7);
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  std::shared_ptr<const Tokens> tokens;
  {
    std::lock_guard lock(tokens_mutex_);
    tokens = tokens_;
  }
  auto access = tokens->find(h);
  if (!access) return unauthorized("unknown token");
  return *access;
}

std::string Server::q_param(const HttpRequest& req) const {
  auto it = req.params.find("q");
  if (it == req.params.end()) return {};
  if (it->second.size() > options_.max_query)
    throw BadRequest{400, "query_too_long", "parameter q is longer than " + std::to_string(options_.max_query) + " bytes"};
  return it->second;
}

void Server::check_time(Clock::time_point start) const {
  if (options_.query_time_limit <= 0) return;
  std::chrono::duration<double> took = Clock::now() - start;
  if (took.count() > options_.query_time_limit) {
    std::ostringstream msg;
    msg << "the query took longer than " << options_.query_time_limit << " s; narrow it with filters";
    throw BadRequest{503, "query_timeout", msg.str()};
  }
}

HttpResponse Server::handle_request(const HttpRequest& req) {
  try {
    if (req.method != "GET" && req.method != "HEAD") {
      HttpResponse r = error_response(405, "method_not_allowed", "only GET and HEAD are allowed");
      r.headers.emplace_back("Allow", "GET, HEAD");
      return r;
    }
    const std::string& p = req.path;
    if (p == "/" || p == "/index.html") {
      HttpResponse r;
      r.body = kSearchPage;
      r.content_type = "text/html; charset=utf-8";
      // Nothing from elsewhere: the page is self-contained, and a snippet
      // that slipped past escaping still could not load or send anything.
      r.headers.emplace_back("Content-Security-Policy",
                             "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                             "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'self'");
      r.headers.emplace_back("Referrer-Policy", "no-referrer");
      return r;
    }
    if (stopping_) return error_response(503, "shutting_down", "the server is stopping; try again");
    auto auth = authorize(req);
    if (auto* r = std::get_if<HttpResponse>(&auth)) return *r;
    const Access& access = std::get<Access>(auth);

    auto rest_after = [&](std::string_view prefix) -> std::optional<std::string> {
      if (p.size() > prefix.size() && p.compare(0, prefix.size(), prefix) == 0) return p.substr(prefix.size());
      return std::nullopt;
    };
    if (p == "/api/v1/search") return handle_search(req, access);
    if (p == "/api/v1/count") return handle_count(req, access);
    if (p == "/api/v1/stats") return handle_stats(access);
    if (p == "/healthz") return handle_health(access);
    if (auto id = rest_after("/api/v1/documents/")) return handle_document(*id, access);
    if (auto id = rest_after("/api/v1/threads/")) return handle_thread(*id, access);
    if (auto id = rest_after("/api/v1/similar/")) return handle_similar(*id, req, access);
    return error_response(404, "not_found", "no such endpoint: " + p);
  } catch (const BadRequest& e) {
    return error_response(e.status, e.code, e.message);
  } catch (const Error& e) {
    int status = status_for(e);
    std::string message = e.what();
    if (status == 503 || status == 500) write_log("lore-serve: error: " + message);
    return error_response(status, e.code_name(), message);
  } catch (const std::exception& e) {
    write_log(std::string("lore-serve: error: ") + e.what());
    return error_response(500, "internal_error", "internal error; the server log says more");
  } catch (...) {
    write_log("lore-serve: error: unknown exception");
    return error_response(500, "internal_error", "internal error");
  }
}

HttpResponse Server::handle_search(const HttpRequest& req, const Access& access) {
  SearchRequest s;
  s.query = q_param(req);
  s.limit = size_param(req, "limit", 10, kMaxLimit);
  s.offset = size_param(req, "offset", 0, kMaxOffset);
  std::string sort = choice_param(req, "sort", "relevance", {"relevance", "newest", "oldest"});
  s.sort = sort == "newest" ? Sort::Newest : sort == "oldest" ? Sort::Oldest : Sort::Relevance;
  s.group = choice_param(req, "group", "thread", {"thread", "none"}) == "none" ? Group::None : Group::Thread;
  s.facets = flag_param(req, "facets");
  s.access = access;
  s.time_limit = options_.query_time_limit;
  auto start = Clock::now();
  SearchResult result = with_searcher([&](Searcher& searcher) { return searcher.search(s); });
  check_time(start);
  return json_response(result_json(result));
}

HttpResponse Server::handle_count(const HttpRequest& req, const Access& access) {
  std::string q = q_param(req);
  auto start = Clock::now();
  uint64_t n = with_searcher([&](Searcher& searcher) { return searcher.count(q, access); });
  check_time(start);
  return json_response(count_json(n));
}

HttpResponse Server::handle_document(const std::string& id, const Access& access) {
  auto doc = with_searcher([&](Searcher& searcher) { return searcher.document(id, access); });
  // The same answer for a restricted document as for none at all.
  if (!doc) return error_response(404, "not_found", "no document " + id);
  return json_response(document_json(*doc));
}

HttpResponse Server::handle_thread(const std::string& id, const Access& access) {
  auto docs = with_searcher([&](Searcher& searcher) { return searcher.thread(id, access); });
  if (docs.empty()) return error_response(404, "not_found", "no document " + id);
  return json_response(thread_json(docs.front().thread_id(), docs));
}

HttpResponse Server::handle_similar(const std::string& id, const HttpRequest& req, const Access& access) {
  size_t limit = size_param(req, "limit", 10, kMaxLimit);
  auto start = Clock::now();
  SearchResult result = with_searcher([&](Searcher& searcher) { return searcher.similar(id, limit, access); });
  check_time(start);
  return json_response(result_json(result));
}

HttpResponse Server::handle_stats(const Access& access) {
  Stats st = with_searcher([&](Searcher& searcher) { return searcher.stats(access); });
  return json_response(stats_json(st));
}

HttpResponse Server::handle_health(const Access& access) {
  uint64_t n = with_searcher([&](Searcher& searcher) { return searcher.count("", access); });
  return json_response("{\"status\":\"ok\",\"documents\":" + std::to_string(n) + "}");
}

// ---------------------------------------------------------------------------
// libmicrohttpd glue

namespace {

// One request's state, from the URI log callback (before the headers are
// parsed) to the completion callback (after the answer went out).
struct RequestState {
  Clock::time_point start = Clock::now();
  std::string target;  // raw request target, for its length only: never logged (it has the query)
  std::string method, path;
  std::string address;
  bool checked = false;
  size_t body_bytes = 0;
  bool body_too_large = false;
  bool submitted = false;                 // handed to a worker, connection suspended
  std::optional<HttpResponse> response;   // the worker's answer, sent on resume
  int status = 0;
};

struct HeaderScan {
  size_t bytes = 0;
  std::vector<std::string> content_lengths;
  bool transfer_encoding = false;
  std::optional<std::string> authorization;
};

MHD_Result scan_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* s = static_cast<HeaderScan*>(cls);
  std::string_view k = key ? key : "", v = value ? value : "";
  s->bytes += k.size() + v.size() + 4;
  if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) s->content_lengths.emplace_back(v);
  if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) s->transfer_encoding = true;
  if (strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION) == 0 && !s->authorization) s->authorization = std::string(v);
  return MHD_YES;
}

MHD_Result collect_param(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* params = static_cast<std::map<std::string, std::string>*>(cls);
  if (key) params->emplace(key, value ? value : "");
  return MHD_YES;
}

std::string client_address(MHD_Connection* c) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr) return "-";
  char buf[INET6_ADDRSTRLEN] = "-";
  const sockaddr* sa = info->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  return buf;
}

MHD_Result send(MHD_Connection* c, RequestState* st, const HttpResponse& r) {
  st->status = r.status;
  MHD_Response* resp =
      MHD_create_response_from_buffer(r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type.c_str());
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  // Answers depend on the token: no shared cache may keep them.
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  for (const auto& [k, v] : r.headers) MHD_add_response_header(resp, k.c_str(), v.c_str());
  MHD_Result ret = MHD_queue_response(c, static_cast<unsigned>(r.status), resp);
  MHD_destroy_response(resp);
  return ret;
}

}  // namespace

struct Server::Callbacks {
  static void* on_uri(void* cls, const char* uri, MHD_Connection* c) {
    auto* server = static_cast<Server*>(cls);
    auto* st = new RequestState;
    st->target = uri ? uri : "";
    st->address = client_address(c);
    std::lock_guard lock(server->flight_mutex_);
    ++server->in_flight_;
    return st;
  }

  static MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                               const char*, size_t* upload_size, void** con_cls) {
    auto* server = static_cast<Server*>(cls);
    auto* st = static_cast<RequestState*>(*con_cls);
    if (!st) return MHD_NO;  // cannot happen: on_uri made it
    const ServerOptions& o = server->options_;
    if (!st->checked) {
      // Headers are in; the body (if any) is not. Refuse what is malformed
      // or too large before reading any of it.
      st->checked = true;
      st->method = method;
      st->path = url;
      HeaderScan h;
      MHD_get_connection_values(c, MHD_HEADER_KIND, scan_header, &h);
      if (st->target.size() > o.max_target)
        return send(c, st, error_response(414, "uri_too_long",
                                          "the request target is longer than " + std::to_string(o.max_target) + " bytes"));
      if (h.bytes > o.max_headers)
        return send(c, st, error_response(431, "headers_too_large",
                                          "the headers are larger than " + std::to_string(o.max_headers) + " bytes"));
      std::set<std::string> lengths(h.content_lengths.begin(), h.content_lengths.end());
      if (h.transfer_encoding && !h.content_lengths.empty())
        return send(c, st, error_response(400, "bad_request", "both Content-Length and Transfer-Encoding given"));
      if (lengths.size() > 1)
        return send(c, st, error_response(400, "bad_request", "conflicting Content-Length headers"));
      if (!lengths.empty()) {
        const std::string& v = *lengths.begin();
        bool digits = !v.empty() && v.size() <= 18 && std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        if (!digits) return send(c, st, error_response(400, "bad_request", "bad Content-Length"));
        if (std::stoull(v) > o.max_body)
          return send(c, st, error_response(413, "body_too_large",
                                            "the body is larger than " + std::to_string(o.max_body) + " bytes"));
      }
      if (st->method != "GET" && st->method != "HEAD") {
        HttpResponse r = error_response(405, "method_not_allowed", "only GET and HEAD are allowed");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return send(c, st, r);
      }
      return MHD_YES;
    }
    if (*upload_size > 0) {
      // A body on a GET means nothing here; it is read, counted and dropped.
      // libmicrohttpd cannot answer in the middle of a body, so a chunked
      // one past the cap is drained and answered 413 at its end, or the
      // connection closed if it goes on far past the cap.
      st->body_bytes += *upload_size;
      *upload_size = 0;
      if (st->body_bytes > o.max_body) st->body_too_large = true;
      if (st->body_bytes > kMaxDrainedBody) return MHD_NO;
      return MHD_YES;
    }
    if (st->body_too_large)
      return send(c, st, error_response(413, "body_too_large",
                                        "the body is larger than " + std::to_string(o.max_body) + " bytes"));
    if (st->response) return send(c, st, *st->response);  // resumed: the worker answered
    if (st->submitted) return MHD_YES;
    HttpRequest req;
    req.method = st->method;
    req.path = st->path;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, &req.params);
    if (const char* a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))
      req.authorization = a;
    if (req.path == "/" || req.path == "/index.html") return send(c, st, server->handle_request(req));
    // Searching takes milliseconds to seconds: the connection waits,
    // suspended, while a worker answers, and this thread goes on serving
    // the others. Suspended first, so the resume can never come before it.
    st->submitted = true;
    MHD_suspend_connection(c);
    server->workers_->submit([server, c, st, req = std::move(req)] {
      st->response = server->handle_request(req);
      MHD_resume_connection(c);
    });
    return MHD_YES;
  }

  static void on_completed(void* cls, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
    auto* server = static_cast<Server*>(cls);
    auto* st = static_cast<RequestState*>(*con_cls);
    if (!st) return;
    if (server->options_.access_log) {
      // Path only: the query string may hold what people searched for, and
      // tokens travel in a header that is never logged.
      std::chrono::duration<double, std::milli> ms = Clock::now() - st->start;
      char dur[32];
      std::snprintf(dur, sizeof dur, "%.1fms", ms.count());
      std::string path = st->path.empty() ? "-" : st->path;
      for (char& ch : path)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
      server->write_log(utc_now() + " " + st->address + " " + (st->method.empty() ? "-" : st->method) + " " + path +
                        " " + (st->status ? std::to_string(st->status) : "-") + " " + dur);
    }
    delete st;
    *con_cls = nullptr;
    std::lock_guard lock(server->flight_mutex_);
    if (--server->in_flight_ == 0) server->flight_done_.notify_all();
  }

  static void on_log(void* cls, const char* fmt, va_list ap) {
    auto* server = static_cast<Server*>(cls);
    char buf[512];
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    std::string msg = buf;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
    if (!server->started_) {
      server->start_error_ = msg;  // while starting: becomes the message of the error start() throws
      return;
    }
    server->write_log("lore-serve: http: " + msg);
  }
};

void Server::start() {
  if (daemon_) return;
  sockaddr_storage ss{};
  socklen_t len = 0;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
#ifdef __linux__
  flags |= MHD_USE_EPOLL;
#endif
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, options_.address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(options_.port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, options_.address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(options_.port);
    len = sizeof *v6;
    flags |= MHD_USE_IPv6;
  } else {
    throw Error(Error::Code::Usage, "'" + options_.address + "' is not an IP address");
  }
  (void)len;
  const std::string where = options_.address + ":" + std::to_string(options_.port);
  start_error_.clear();
  stopping_ = false;
  workers_ = std::make_unique<Workers>(options_.threads);
  daemon_ = MHD_start_daemon(
      flags, options_.port, nullptr, nullptr, &Callbacks::on_request, this,
      MHD_OPTION_EXTERNAL_LOGGER, &Callbacks::on_log, this,
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&ss),
      MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned>(options_.max_connections),
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<unsigned>(options_.per_address_connections),
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(options_.connection_timeout),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, kConnectionMemory,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
      MHD_OPTION_URI_LOG_CALLBACK, &Callbacks::on_uri, this,
      MHD_OPTION_NOTIFY_COMPLETED, &Callbacks::on_completed, this,
      MHD_OPTION_END);
  if (!daemon_) {
    int err = errno;
    workers_.reset();
    std::string why = !start_error_.empty() ? start_error_ : std::strerror(err);
    throw Error(Error::Code::Usage, "cannot listen on " + where + ": " + why,
                "is another server on that port? choose one with --listen ADDRESS:PORT");
  }
  started_ = true;
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  port_ = info ? info->port : options_.port;
}

void Server::stop(std::chrono::milliseconds grace) {
  if (!daemon_) return;
  MHD_socket listener = MHD_quiesce_daemon(daemon_);
  if (listener != MHD_INVALID_SOCKET) ::close(listener);
  {
    std::unique_lock lock(flight_mutex_);
    flight_done_.wait_for(lock, grace, [&] { return in_flight_ == 0; });
  }
  // Past the grace period, requests still queued are answered 503 at once
  // and running ones finish; then no connection is left suspended, which
  // libmicrohttpd requires of MHD_stop_daemon.
  stopping_ = true;
  workers_->close();
  {
    std::unique_lock lock(flight_mutex_);
    flight_done_.wait_for(lock, std::chrono::seconds(1), [&] { return in_flight_ == 0; });
  }
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
  started_ = false;
  workers_.reset();
}

}  // namespace lore
