// lore-serve's HTTP server (SPEC section 4): the JSON API and the search page.
// libmicrohttpd's thread reads and writes every connection (epoll); a
// complete request is suspended there and handed to a pool of workers, each
// searching with a Searcher of its own, so a slow search never holds up the
// other connections. Every answer is filtered by what the caller's token
// grants (SPEC section 5).
//
// One request, `GET /api/v1/search?q=deploy&facets=1` with
// `Authorization: Bearer t0ken`:
//   I/O thread  on_uri: state made, request counted in flight
//               on_request (headers in): target, header and body caps,
//               framing (Content-Length vs Transfer-Encoding), method;
//               a refusal is answered here (414, 431, 413, 400, 405)
//               on_request (body done): parameters and header copied,
//               connection suspended, job queued
//   worker      handle_request: route; authorize: t0ken -> Access (401 if
//               unknown); handle_search: parameters with defaults and
//               bounds (400); with_searcher: reopen, Searcher::search
//               restricted to the Access; result_json; errors -> JSON
//               with their status; then resume the connection
//   I/O thread  on_request (resumed): the answer queued and sent
//               on_completed: access log line, no longer in flight
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "access.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace lore {

class Searcher;

/// The callers a token file names: one `TOKEN PRINCIPAL...` a line, `*`
/// granting everything; blank lines and lines starting with `#` are skipped.
class Tokens {
 public:
  /// Reads `path`; throws lore::Error (Usage) naming the file and line of a bad entry.
  static Tokens load(const std::string& path);
  /// Parses the text of a token file; `name` is used in error messages.
  static Tokens parse(std::string_view text, const std::string& name);

  /// What `token` grants, or nothing for an unknown token. The time taken
  /// does not depend on which token matched or how much of one did.
  std::optional<Access> find(std::string_view token) const;
  /// How many tokens there are.
  size_t size() const { return entries_.size(); }

 private:
  std::vector<std::pair<std::string, Access>> entries_;
};

/// "127.0.0.1:8080", "[::1]:8080", ":8080" (all IPv4 addresses) into address
/// and port; throws lore::Error (Usage).
std::pair<std::string, uint16_t> parse_listen(const std::string& spec);

struct ServerOptions {
  std::string db;                   ///< database folder
  std::string address = "127.0.0.1";
  uint16_t port = 8080;             ///< 0: any free port (see Server::port())
  unsigned threads = 2;             ///< workers that answer requests (searches)
  unsigned max_connections = 2048;  ///< open connections in all
  unsigned per_address_connections = 64;  ///< from one client address; 0: no cap
  unsigned connection_timeout = 15;       ///< seconds a connection may stay idle
  double query_time_limit = 5;      ///< seconds a search may take before it is an error
  size_t max_target = 8192;         ///< request target (path and query string) bytes: 414
  size_t max_headers = 16384;       ///< header bytes: 431
  size_t max_body = 16384;          ///< body bytes: 413
  size_t max_query = 2048;          ///< bytes of the q parameter: 400
  std::string tokens_file;          ///< empty: no tokens, public documents only
  /// Where access log lines and server errors go (one line each, no newline);
  /// empty: standard error.
  std::function<void(const std::string&)> log;
  bool access_log = true;
};

/// A request as the router sees it.
struct HttpRequest {
  std::string method;
  std::string path;  ///< decoded, without the query string
  std::map<std::string, std::string> params;
  std::optional<std::string> authorization;  ///< the Authorization header
};

/// An answer: status, body, content type and extra headers.
struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

class Server {
 public:
  /// Checks that the database opens and reads the token file; throws
  /// lore::Error (DatabaseMissing and the rest: exit 3; a bad token file: 2).
  explicit Server(ServerOptions options);
  /// Stops serving (as stop()).
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Starts listening and serving; throws lore::Error (Usage) when the
  /// address cannot be bound.
  void start();
  /// The port listened on (the one picked when ServerOptions::port was 0).
  uint16_t port() const { return port_; }
  /// Re-reads the token file (SIGHUP); on a bad file throws lore::Error and
  /// keeps the tokens it had.
  void reload_tokens();
  /// Stops accepting connections, lets the requests in flight finish (for
  /// at most `grace`), then closes everything.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  /// Requests begun and not yet answered.
  size_t requests_in_flight() {
    std::lock_guard lock(flight_mutex_);
    return in_flight_;
  }

  /// Answers one request: routing, parameters, access, errors (never throws).
  HttpResponse handle_request(const HttpRequest& request);

  /// Called by libmicrohttpd's callbacks (server.cc); not for other use.
  struct Callbacks;

 private:
  class SearcherPool;
  class Workers;

  template <typename Fn>
  auto with_searcher(Fn&& fn) -> decltype(fn(std::declval<Searcher&>()));

  HttpResponse handle_search(const HttpRequest& request, const Access& access);
  HttpResponse handle_count(const HttpRequest& request, const Access& access);
  HttpResponse handle_document(const std::string& id, const Access& access);
  HttpResponse handle_thread(const std::string& id, const Access& access);
  HttpResponse handle_similar(const std::string& id, const HttpRequest& request, const Access& access);
  HttpResponse handle_stats(const Access& access);
  HttpResponse handle_health(const Access& access);
  /// The caller's access from the Authorization header, or a 401 response.
  std::variant<Access, HttpResponse> authorize(const HttpRequest& request) const;
  std::string q_param(const HttpRequest& request) const;
  void check_time(std::chrono::steady_clock::time_point start) const;
  void write_log(const std::string& line) const;

  ServerOptions options_;
  std::unique_ptr<SearcherPool> pool_;
  std::unique_ptr<Workers> workers_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> started_{false};  ///< MHD_start_daemon returned (for its log callback)
  mutable std::mutex tokens_mutex_;
  std::shared_ptr<const Tokens> tokens_;
  MHD_Daemon* daemon_ = nullptr;
  uint16_t port_ = 0;
  std::mutex flight_mutex_;
  std::condition_variable flight_done_;
  size_t in_flight_ = 0;
  std::string start_error_;
};

}  // namespace lore
