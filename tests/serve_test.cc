// lore-serve over real sockets: a server in this process on a free port, a
// small HTTP client writing raw requests, the JSON compared with what the
// printer gives lore-search, access control through every endpoint, request
// caps, token reloads, serving during an import, and the page in Chromium.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "errors.h"
#include "index_util.h"
#include "index_writer.h"
#include "printer.h"
#include "reader.h"
#include "searcher.h"
#include "server.h"
#include "test_util.h"

namespace lore {
namespace {

namespace fs = std::filesystem;
using test::fixture;
using test::TempDir;

void import(const std::string& db, const fs::path& file) { ASSERT_EQ(test::import_file(db, file).rejected, 0); }

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------------------
// A tiny HTTP/1.1 client: one request a connection, read to the close.

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string raw;
};

// A connection to 127.0.0.1:port, or -1.
int connect_loopback(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

Reply roundtrip(uint16_t port, const std::string& request) {
  Reply r;
  int fd = connect_loopback(port);
  if (fd < 0) return r;
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer and close before reading it all
    sent += static_cast<size_t>(n);
  }
  char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    r.raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  size_t end = r.raw.find("\r\n\r\n");
  if (end == std::string::npos || r.raw.size() < 12) return r;
  r.status = std::stoi(r.raw.substr(9, 3));
  std::istringstream head(r.raw.substr(0, end));
  std::string line;
  std::getline(head, line);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
  }
  r.body = r.raw.substr(end + 4);
  return r;
}

Reply get(uint16_t port, const std::string& target, const std::string& token = "",
          const std::string& method = "GET") {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  return roundtrip(port, req + "\r\n");
}

std::string encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

rapidjson::Document parse_json(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  EXPECT_FALSE(d.HasParseError()) << body;
  return d;
}

std::string error_code(const Reply& r) {
  auto d = parse_json(r.body);
  if (!d.IsObject() || !d.HasMember("error")) return "";
  return d["error"]["code"].GetString();
}
std::string error_message(const Reply& r) {
  auto d = parse_json(r.body);
  if (!d.IsObject() || !d.HasMember("error")) return "";
  return d["error"]["message"].GetString();
}

std::vector<std::string> hit_ids(const Reply& r) {
  std::vector<std::string> out;
  auto d = parse_json(r.body);
  if (!d.IsObject() || !d.HasMember("hits")) return out;
  for (const auto& h : d["hits"].GetArray()) out.emplace_back(h["id"].GetString());
  return out;
}

const char* S1 = "slack:C100/1614834367.000100";
const char* S2 = "slack:C100/1614837967.000200";
const char* S3 = "slack:C100/1614841567.000300";
const char* S6 = "slack:G300/1619827200.000100";
const char* S7 = "slack:D400/1619913600.000100";
const char* G12 = "github:acme/api#12";
const char* GS1 = "github:acme/secret#1";
const char* P60 = "p2:blog.acme.example/60";

const std::string kAll = "all-seeing-token-0001";
const std::string kAlice = "alice-token-0002";
const std::string kSecretRepo = "secret-repo-token-0003";
const std::string kNobody = "nobody-token-0004";  // valid, grants nothing beyond public

// Words only restricted documents hold: none may reach a caller without them.
const std::vector<std::string> kRestrictedWords = {"Heron", "salary", "Offsite planning", "leadership",
                                                   "acme/secret", "G300", "D400", "U100,Bo"};

class serve_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    db_ = (dir_->path / "db").string();
    setenv("LORE_NOW", "2022-06-16T12:00:00Z", 1);
    import(db_, fixture());
    tokens_ = (dir_->path / "tokens").string();
    write_file(tokens_, "# callers\n" + kAll + " *\n" + kAlice + " slack:U100\n" + kSecretRepo +
                            " github:acme/secret\n" + kNobody + "\n");
    ServerOptions o;
    o.db = db_;
    o.port = 0;
    o.tokens_file = tokens_;
    o.log = [](const std::string& line) {
      std::lock_guard lock(log_mutex_);
      log_.push_back(line);
    };
    server_ = new Server(o);
    server_->start();
    port_ = server_->port();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    unsetenv("LORE_NOW");
  }

  static std::vector<std::string> log_lines() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

  static TempDir* dir_;
  static std::string db_, tokens_;
  static Server* server_;
  static uint16_t port_;
  static std::mutex log_mutex_;
  static std::vector<std::string> log_;
};

TempDir* serve_test::dir_ = nullptr;
std::string serve_test::db_, serve_test::tokens_;
Server* serve_test::server_ = nullptr;
uint16_t serve_test::port_ = 0;
std::mutex serve_test::log_mutex_;
std::vector<std::string> serve_test::log_;

// A database of the fixture in `t`, and the options of a quiet server on a free port over it.
ServerOptions fixture_server(const TempDir& t) {
  ServerOptions o;
  o.db = (t.path / "db").string();
  import(o.db, fixture());
  o.port = 0;
  o.access_log = false;
  return o;
}

TEST_F(serve_test, every_endpoint_answers_exactly_what_the_printer_gives_lore_search) {
  Searcher s(db_);
  const Access anyone = Access::public_only();

  SearchRequest req;
  req.query = "deploy freeze";
  req.limit = 5;
  req.offset = 1;
  req.sort = Sort::Newest;
  req.group = Group::None;
  req.facets = true;
  req.access = anyone;
  Reply r = get(port_, "/api/v1/search?q=deploy+freeze&limit=5&offset=1&sort=newest&group=none&facets=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/json; charset=utf-8");
  EXPECT_EQ(r.headers["cache-control"], "no-store");
  EXPECT_EQ(r.body, result_json(s.search(req)));

  SearchRequest defaults;
  defaults.query = "freeze";
  defaults.access = anyone;
  EXPECT_EQ(get(port_, "/api/v1/search?q=freeze").body, result_json(s.search(defaults)));

  EXPECT_EQ(get(port_, "/api/v1/count?q=" + encode("is:pr OR is:issue")).body, count_json(s.count("is:pr OR is:issue", anyone)));
  EXPECT_EQ(get(port_, "/api/v1/count?q=" + encode("is:pr OR is:issue")).body, "{\"count\":3}");
  EXPECT_EQ(get(port_, "/api/v1/count?q=" + encode("is:pr OR is:issue"), kAll).body, "{\"count\":4}");

  r = get(port_, "/api/v1/documents/" + encode(G12));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, document_json(*s.document(G12, anyone)));

  r = get(port_, "/api/v1/threads/" + encode(S2));
  EXPECT_EQ(r.status, 200);
  auto thread = s.thread(S2, anyone);
  ASSERT_EQ(thread.size(), 3u);
  EXPECT_EQ(r.body, thread_json(S1, thread));

  r = get(port_, "/api/v1/similar/" + encode(S1) + "?limit=3");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, result_json(s.similar(S1, 3, anyone)));

  r = get(port_, "/api/v1/stats");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, stats_json(s.stats(anyone)));

  r = get(port_, "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"status\":\"ok\",\"documents\":12}");

  r = get(port_, "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<title>Lore</title>"), std::string::npos);
  EXPECT_NE(r.headers["content-security-policy"].find("default-src 'none'"), std::string::npos);
  // Self-contained: nothing fetched from another host.
  EXPECT_EQ(r.body.find("src=\"http"), std::string::npos);
  EXPECT_EQ(r.body.find("href=\"http"), std::string::npos);
}

TEST_F(serve_test, parameters_are_decoded_and_ids_may_hold_any_character) {
  auto d = parse_json(get(port_, "/api/v1/search?q=deploy+%22freeze%22&limit=1").body);
  EXPECT_STREQ(d["query"].GetString(), "deploy \"freeze\"");
  EXPECT_EQ(d["limit"].GetInt(), 1);
  EXPECT_EQ(d["hits"].Size(), 1u);
  // '#' and '/' in an id arrive encoded.
  auto doc = parse_json(get(port_, "/api/v1/documents/github%3Aacme%2Fapi%2312").body);
  EXPECT_STREQ(doc["id"].GetString(), G12);
  // HEAD: the headers of GET, no body.
  Reply head = get(port_, "/api/v1/documents/" + encode(G12), "", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.headers["content-length"], std::to_string(get(port_, "/api/v1/documents/" + encode(G12)).body.size()));
}

TEST_F(serve_test, bad_requests_get_the_status_and_code_they_deserve) {
  struct Row {
    std::string target;
    int status;
    std::string code, message;
  } rows[] = {
      {"/api/v1/search?q=" + encode("(deploy"), 400, "bad_query", "cannot parse query: unbalanced \"(\" at column 1"},
      {"/api/v1/count?q=" + encode("after:2021-13"), 400, "bad_query", ""},
      {"/api/v1/search?q=x&limit=abc", 400, "bad_parameter", "parameter limit must be a whole number from 0 to 1000"},
      {"/api/v1/search?q=x&limit=1001", 400, "bad_parameter", "parameter limit must be a whole number from 0 to 1000"},
      {"/api/v1/search?q=x&offset=-1", 400, "bad_parameter", "parameter offset must be a whole number from 0 to 100000"},
      {"/api/v1/search?q=x&sort=sideways", 400, "bad_parameter", "parameter sort takes relevance, newest, oldest"},
      {"/api/v1/search?q=x&group=team", 400, "bad_parameter", "parameter group takes thread, none"},
      {"/api/v1/search?q=x&facets=yes", 400, "bad_parameter", "parameter facets takes 0, 1, false, true"},
      {"/api/v1/similar/" + encode(S1) + "?limit=x", 400, "bad_parameter", "parameter limit must be a whole number from 0 to 1000"},
      {"/api/v1/search?q=" + std::string(2049, 'a'), 400, "query_too_long", "parameter q is longer than 2048 bytes"},
      {"/api/v2/search?q=x", 404, "not_found", "no such endpoint: /api/v2/search"},
      {"/nothing", 404, "not_found", "no such endpoint: /nothing"},
      {"/api/v1/documents/nope:1", 404, "not_found", "no document nope:1"},
      {"/api/v1/threads/nope:1", 404, "not_found", "no document nope:1"},
      {"/api/v1/similar/nope:1", 404, "not_found", "no document nope:1"},
  };
  for (const auto& row : rows) {
    Reply r = get(port_, row.target);
    EXPECT_EQ(r.status, row.status) << row.target;
    EXPECT_EQ(r.headers["content-type"], "application/json; charset=utf-8") << row.target;
    EXPECT_EQ(error_code(r), row.code) << row.target;
    if (!row.message.empty()) {
      EXPECT_EQ(error_message(r), row.message) << row.target;
    }
  }

  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    Reply r = get(port_, "/api/v1/search?q=x", "", method);
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.headers["allow"], "GET, HEAD") << method;
    EXPECT_EQ(error_code(r), "method_not_allowed") << method;
  }

  Reply r = get(port_, "/healthz", "not-a-token-at-all");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers["www-authenticate"], "Bearer");
  EXPECT_EQ(error_code(r), "unauthorized");
  EXPECT_EQ(error_message(r), "unknown token");
  r = roundtrip(port_, "GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWxpY2U6eA==\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_message(r), "Authorization must be 'Bearer TOKEN'");
  // An unknown token is refused everywhere, not downgraded to public.
  for (const char* target : {"/api/v1/search?q=freeze", "/api/v1/count?q=x", "/api/v1/stats"})
    EXPECT_EQ(get(port_, target, kAll + "x").status, 401) << target;
}

TEST_F(serve_test, oversized_and_ambiguous_requests_are_refused) {
  // Request target: our cap answers JSON; far past it, libmicrohttpd refuses.
  Reply r = get(port_, "/api/v1/search?q=" + std::string(9000, 'a'));
  EXPECT_EQ(r.status, 414);
  EXPECT_EQ(error_code(r), "uri_too_long");
  EXPECT_EQ(get(port_, "/api/v1/search?q=" + std::string(100000, 'a')).status, 414);

  auto with_header = [&](const std::string& header) {
    return roundtrip(port_, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + header + "\r\n\r\n");
  };
  r = with_header("X-Big: " + std::string(20000, 'b'));
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(error_code(r), "headers_too_large");
  EXPECT_EQ(with_header("X-Big: " + std::string(70000, 'b')).status, 431);

  r = with_header("Content-Length: 100000");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_code(r), "body_too_large");
  r = with_header("Transfer-Encoding: chunked\r\n\r\n5000\r\n" + std::string(0x5000, 'c') + "\r\n0");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_code(r), "body_too_large");
  // A small body on a GET is read and ignored.
  r = with_header("Content-Length: 3\r\n\r\nabc");
  EXPECT_EQ(r.status, 200);

  r = with_header("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_message(r), "both Content-Length and Transfer-Encoding given");
  r = with_header("Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_message(r), "conflicting Content-Length headers");
}

TEST_F(serve_test, restricted_documents_show_only_to_tokens_that_grant_them) {
  // Every endpoint a caller without the right token may reach, and what it
  // must never contain.
  const std::vector<std::string> targets = {
      "/api/v1/search?q=&limit=100&group=none&facets=1",
      "/api/v1/search?q=heron&facets=1",
      "/api/v1/search?q=" + encode("acquisition OR salary OR confidential OR offsite") + "&facets=1&group=none",
      "/api/v1/search?q=is:private&facets=1",
      "/api/v1/search?q=" + encode("in:leadership"),
      "/api/v1/similar/" + encode(S1) + "?limit=50",
      "/api/v1/similar/" + encode(G12) + "?limit=50",
      "/api/v1/threads/" + encode(S1),
      "/api/v1/stats",
  };
  for (const auto& target : targets)
    for (const std::string& token : {std::string(), kNobody}) {
      Reply r = get(port_, target, token);
      EXPECT_EQ(r.status, 200) << target;
      std::string body = r.body;  // without the query it echoes
      if (size_t q = body.find("\"query\":\""); q != std::string::npos) body.erase(q, body.find("\",", q + 9) - q);
      for (const auto& word : kRestrictedWords)
        EXPECT_EQ(body.find(word), std::string::npos) << target << " shows " << word << ": " << body;
    }

  auto count = [&](const std::string& q, const std::string& token) {
    auto d = parse_json(get(port_, "/api/v1/count?q=" + encode(q), token).body);
    return d["count"].GetUint64();
  };
  auto documents = [&](const std::string& path, const std::string& token) {
    auto d = parse_json(get(port_, path, token).body);
    return d["documents"].GetUint64();
  };
  EXPECT_EQ(count("", ""), 12u);
  EXPECT_EQ(count("", kNobody), 12u);
  EXPECT_EQ(count("", kAlice), 14u);
  EXPECT_EQ(count("", kSecretRepo), 13u);
  EXPECT_EQ(count("", kAll), 16u);
  EXPECT_EQ(count("heron", ""), 0u);
  EXPECT_EQ(count("heron", kAlice), 1u);
  EXPECT_EQ(count("heron", kAll), 2u);
  EXPECT_EQ(documents("/healthz", ""), 12u);
  EXPECT_EQ(documents("/healthz", kAlice), 14u);
  EXPECT_EQ(documents("/healthz", kAll), 16u);
  EXPECT_EQ(documents("/api/v1/stats", ""), 12u);
  EXPECT_EQ(documents("/api/v1/stats", kSecretRepo), 13u);
  EXPECT_EQ(documents("/api/v1/stats", kAll), 16u);

  EXPECT_EQ(hit_ids(get(port_, "/api/v1/search?q=heron")), std::vector<std::string>{});
  EXPECT_EQ(hit_ids(get(port_, "/api/v1/search?q=heron", kAlice)), std::vector<std::string>{S6});
  EXPECT_EQ(hit_ids(get(port_, "/api/v1/search?q=heron", kSecretRepo)), std::vector<std::string>{GS1});
  EXPECT_EQ(hit_ids(get(port_, "/api/v1/search?q=salary", kAlice)), std::vector<std::string>{S7});
  EXPECT_EQ(hit_ids(get(port_, "/api/v1/search?q=offsite+planning", kAll)), std::vector<std::string>{P60});

  // The snippet of a granted document shows its text, highlighted.
  auto d = parse_json(get(port_, "/api/v1/search?q=heron", kAlice).body);
  EXPECT_STREQ(d["hits"][0]["snippet"].GetString(),
               "Confidential: the acquisition codename is <mark>Heron</mark>. Do not share.");

  // Facets count what the caller may see.
  d = parse_json(get(port_, "/api/v1/search?q=&facets=1", kAll).body);
  EXPECT_EQ(d["facets"]["space"]["leadership"].GetInt(), 1);
  EXPECT_EQ(d["facets"]["space"]["acme/secret"].GetInt(), 1);
  EXPECT_EQ(d["facets"]["tag"]["policy"].GetInt(), 3);
  d = parse_json(get(port_, "/api/v1/search?q=&facets=1").body);
  EXPECT_FALSE(d["facets"]["space"].HasMember("leadership"));
  EXPECT_EQ(d["facets"]["tag"]["policy"].GetInt(), 2);

  // One document, its thread, similar: 404 without the grant, as for an unknown id.
  for (std::string prefix : {"/api/v1/documents/", "/api/v1/threads/", "/api/v1/similar/"}) {
    Reply r = get(port_, prefix + encode(S6));
    EXPECT_EQ(r.status, 404) << prefix;
    EXPECT_EQ(error_message(r), std::string("no document ") + S6) << prefix;
    EXPECT_EQ(get(port_, prefix + encode(S6), kSecretRepo).status, 404) << prefix;
    EXPECT_EQ(get(port_, prefix + encode(S6), kAlice).status, 200) << prefix;
    EXPECT_EQ(get(port_, prefix + encode(GS1), kAlice).status, 404) << prefix;
    EXPECT_EQ(get(port_, prefix + encode(GS1), kSecretRepo).status, 200) << prefix;
    EXPECT_EQ(get(port_, prefix + encode(GS1), kAll).status, 200) << prefix;
  }
  d = parse_json(get(port_, "/api/v1/threads/" + encode(S6), kAlice).body);
  EXPECT_STREQ(d["thread"].GetString(), S6);
  EXPECT_EQ(d["documents"].Size(), 1u);
}

TEST_F(serve_test, the_access_log_has_a_line_per_request_without_tokens_or_queries) {
  get(port_, "/api/v1/search?q=secretword", kAlice);
  get(port_, "/healthz", "wrong-token-xyz");
  get(port_, "/api/v1/search?q=x", "", "DELETE");
  auto lines = log_lines();
  auto has = [&](const std::string& piece) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(piece) != std::string::npos; });
  };
  EXPECT_TRUE(has(" 127.0.0.1 GET /api/v1/search 200 "));
  EXPECT_TRUE(has(" 127.0.0.1 GET /healthz 401 "));
  EXPECT_TRUE(has(" 127.0.0.1 DELETE /api/v1/search 405 "));
  for (const auto& l : lines) {
    EXPECT_EQ(l.find(kAlice), std::string::npos) << l;
    EXPECT_EQ(l.find("wrong-token-xyz"), std::string::npos) << l;
    EXPECT_EQ(l.find("secretword"), std::string::npos) << l;
  }
}

TEST(serve_tokens_test, token_files_parse_and_refuse_bad_lines) {
  Tokens t = Tokens::parse("# comment\n\nabcdefgh1 slack:U1 github:o/r\nabcdefgh2 *\nabcdefgh3\n", "f");
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.find("abcdefgh1")->principals, (std::vector<std::string>{"slack:U1", "github:o/r"}));
  EXPECT_FALSE(t.find("abcdefgh1")->all);
  EXPECT_TRUE(t.find("abcdefgh2")->all);
  EXPECT_TRUE(t.find("abcdefgh3")->principals.empty());
  EXPECT_FALSE(t.find("abcdefgh").has_value());
  EXPECT_FALSE(t.find("abcdefgh12").has_value());
  EXPECT_FALSE(t.find("").has_value());
  try {
    Tokens::parse("abcdefgh1 *\nshort *\n", "tokens.txt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "tokens.txt:2: token is shorter than 8 characters");
  }
  try {
    Tokens::parse("abcdefgh1 *\nabcdefgh1 slack:U1\n", "tokens.txt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "tokens.txt:2: the same token is listed twice");
  }
  EXPECT_EQ(parse_listen("127.0.0.1:8080"), (std::pair<std::string, uint16_t>{"127.0.0.1", 8080}));
  EXPECT_EQ(parse_listen("[::1]:0"), (std::pair<std::string, uint16_t>{"::1", 0}));
  EXPECT_EQ(parse_listen(":9000"), (std::pair<std::string, uint16_t>{"0.0.0.0", 9000}));
  EXPECT_THROW(parse_listen("localhost:8080"), Error);
  EXPECT_THROW(parse_listen("127.0.0.1:99999"), Error);
  EXPECT_THROW(parse_listen("8080"), Error);
}

TEST(serve_reload_test, a_reloaded_token_file_takes_effect_and_a_bad_one_changes_nothing) {
  TempDir t;
  std::string db = (t.path / "db").string();
  import(db, fixture());
  fs::path tokens = t.path / "tokens";
  write_file(tokens, "first-token-1111 slack:U100\n");
  ServerOptions o;
  o.db = db;
  o.port = 0;
  o.tokens_file = tokens.string();
  o.access_log = false;
  Server server(o);
  server.start();
  EXPECT_EQ(get(server.port(), "/healthz", "first-token-1111").body, "{\"status\":\"ok\",\"documents\":14}");
  EXPECT_EQ(get(server.port(), "/healthz", "second-token-2222").status, 401);

  write_file(tokens, "second-token-2222 *\n");
  server.reload_tokens();
  EXPECT_EQ(get(server.port(), "/healthz", "first-token-1111").status, 401);
  EXPECT_EQ(get(server.port(), "/healthz", "second-token-2222").body, "{\"status\":\"ok\",\"documents\":16}");

  write_file(tokens, "bad\n");
  EXPECT_THROW(server.reload_tokens(), Error);
  EXPECT_EQ(get(server.port(), "/healthz", "second-token-2222").status, 200);
}

TEST(serve_listen_test, a_port_in_use_is_a_named_error) {
  TempDir t;
  ServerOptions o = fixture_server(t);
  Server first(o);
  first.start();
  o.port = first.port();
  Server second(o);
  try {
    second.start();
    FAIL() << "the second server started";
  } catch (const Error& e) {
    const std::string prefix = "cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": ";
    EXPECT_EQ(std::string(e.what()).substr(0, prefix.size()), prefix) << e.what();
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), ExitCode::Usage);
  }
  EXPECT_EQ(get(first.port(), "/healthz").status, 200);
}

TEST(serve_time_limit_test, a_search_past_the_time_limit_is_a_clear_error) {
  TempDir t;
  ServerOptions o = fixture_server(t);
  o.query_time_limit = 1e-9;  // every search takes longer than this
  Server server(o);
  server.start();
  Reply r = get(server.port(), "/api/v1/search?q=freeze&facets=1");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code(r), "query_timeout");
  EXPECT_EQ(error_message(r), "the query took longer than 1e-09 s; narrow it with filters");
  EXPECT_EQ(get(server.port(), "/healthz").status, 200);  // not a search: no limit
}

TEST(serve_import_test, serving_goes_on_while_an_import_commits_and_sees_each_commit) {
  TempDir t;
  std::string db = (t.path / "db").string();
  import(db, fixture());
  ServerOptions o;
  o.db = db;
  o.port = 0;
  o.threads = 2;
  o.access_log = false;
  Server server(o);
  server.start();

  constexpr int kBatches = 20, kPerBatch = 50;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    IndexWriter w(db, 1000000);
    for (int b = 0; b < kBatches; ++b) {
      for (int i = 0; i < kPerBatch; ++i) {
        Record r;
        r.id = "notes:extra-" + std::to_string(b) + "-" + std::to_string(i);
        r.source = "meetings";
        r.kind = "post";
        r.space = "weekly";
        r.author = "Dee Writer";
        r.date = 1650000000 + b * 100 + i;
        r.text = "Extra note about the freeze, batch " + std::to_string(b);
        w.write(r);
      }
      w.commit();
    }
    done = true;
  });
  // Requests while the writer commits: each succeeds, and the count a caller
  // sees never goes down.
  uint64_t last = 0;
  int requests = 0, failures = 0;
  while ((!done || requests < 10) && failures < 5) {
    for (std::string target : {"/api/v1/search?q=freeze&facets=1", "/api/v1/count?q=freeze"}) {
      Reply r = get(server.port(), target);
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      failures += r.status != 200;
      ++requests;
      if (target.find("count") != std::string::npos) {
        uint64_t n = parse_json(r.body)["count"].GetUint64();
        EXPECT_GE(n, last);
        last = n;
      }
    }
  }
  writer.join();
  // The last commit is seen without a restart.
  EXPECT_EQ(get(server.port(), "/healthz").body,
            "{\"status\":\"ok\",\"documents\":" + std::to_string(12 + kBatches * kPerBatch) + "}");
  EXPECT_EQ(parse_json(get(server.port(), "/api/v1/count?q=freeze").body)["count"].GetUint64(),
            6u + kBatches * kPerBatch);
}

TEST(serve_limits_test, connections_past_the_per_address_cap_are_closed_and_others_served) {
  TempDir t;
  ServerOptions o = fixture_server(t);
  o.per_address_connections = 2;
  Server server(o);
  server.start();
  auto open_connection = [&] {
    int fd = connect_loopback(server.port());
    EXPECT_GE(fd, 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
  };
  // One request; with keep-alive, read up to the end of the JSON body and
  // leave the connection open.
  auto ask = [](int fd, bool keep_alive) {
    std::string req = std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n") +
                      (keep_alive ? "" : "Connection: close\r\n") + "\r\n";
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) {
      got.append(buf, static_cast<size_t>(n));
      if (keep_alive && !got.empty() && got.back() == '}') break;
    }
    return got;
  };
  // Two connections, answered once each (so both surely count), hold the
  // cap; a third from the same address is closed unanswered, while the two
  // held ones are still served.
  int first = open_connection();
  EXPECT_EQ(ask(first, true).substr(0, 15), "HTTP/1.1 200 OK");
  int second = open_connection();
  EXPECT_EQ(ask(second, true).substr(0, 15), "HTTP/1.1 200 OK");
  int third = open_connection();
  EXPECT_EQ(ask(third, false), "");
  std::string answer = ask(first, false);
  EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_NE(answer.find("{\"status\":\"ok\",\"documents\":12}"), std::string::npos);
  EXPECT_EQ(ask(second, false).substr(0, 15), "HTTP/1.1 200 OK");
  for (int fd : {first, second, third}) close(fd);
}

TEST(serve_stop_test, stopping_refuses_new_connections_and_finishes_the_request_in_flight) {
  TempDir t;
  ServerOptions o = fixture_server(t);
  Server server(o);
  server.start();
  const uint16_t port = server.port();
  // A request whose headers are not finished yet.
  int fd = connect_loopback(port);
  ASSERT_GE(fd, 0);
  std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  for (int i = 0; i < 1000 && server.requests_in_flight() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(server.requests_in_flight(), 1u);

  std::thread stopper([&] { server.stop(std::chrono::seconds(60)); });
  // New connections are refused once the server stops listening...
  int refused = 0;
  for (int i = 0; i < 1000 && !refused; ++i) {
    int other = connect_loopback(port);
    if (other < 0)
      refused = 1;
    else
      close(other);
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(refused, 1);
  // ...while the request in flight is still answered.
  std::string rest = "Connection: close\r\n\r\n";
  ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<size_t>(n));
  close(fd);
  stopper.join();
  EXPECT_EQ(got.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_NE(got.find("{\"status\":\"ok\",\"documents\":12}"), std::string::npos);
}

// ---------------------------------------------------------------------------
// The program: a missing database, SIGHUP, SIGTERM.

struct Child {
  pid_t pid = -1;
  fs::path err;
};

Child spawn_serve(const std::vector<std::string>& args, const fs::path& err) {
  Child c;
  c.err = err;
  std::vector<std::string> argv_s = {(fs::path(LORE_BINARY_ROOT) / "query" / "lore-serve").string()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  c.pid = fork();
  if (c.pid == 0) {
    FILE* f = std::freopen(err.c_str(), "w", stderr);
    (void)f;
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return c;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The port from the line "lore-serve: serving DB on http://127.0.0.1:PORT/ ...".
uint16_t wait_for_port(const fs::path& err) {
  for (int i = 0; i < 500; ++i) {
    std::string text = slurp(err);
    size_t at = text.find("http://127.0.0.1:");
    if (at != std::string::npos) {
      size_t end = text.find('/', at + 17);
      if (end != std::string::npos) return static_cast<uint16_t>(std::stoi(text.substr(at + 17, end - at - 17)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

TEST(serve_program_test, a_missing_database_is_exit_3_with_a_hint) {
  TempDir t;
  Child c = spawn_serve({"--db", (t.path / "nope").string(), "--listen", "127.0.0.1:0"}, t.path / "err");
  EXPECT_EQ(wait_exit(c.pid), 3);
  EXPECT_EQ(slurp(c.err), "lore-serve: error: no database at " + (t.path / "nope").string() +
                              "\nhint: create it with: lore-index --db " + (t.path / "nope").string() + " PATH...\n");
}

TEST(serve_program_test, sighup_rereads_the_tokens_and_sigterm_exits_0) {
  TempDir t;
  std::string db = (t.path / "db").string();
  import(db, fixture());
  fs::path tokens = t.path / "tokens";
  write_file(tokens, "first-token-1111 *\n");
  Child c = spawn_serve({"--db", db, "--listen", "127.0.0.1:0", "--tokens", tokens.string()}, t.path / "err");
  uint16_t port = wait_for_port(c.err);
  ASSERT_NE(port, 0) << slurp(c.err);
  EXPECT_EQ(get(port, "/healthz", "first-token-1111").body, "{\"status\":\"ok\",\"documents\":16}");
  write_file(tokens, "second-token-2222 slack:U300\n");
  kill(c.pid, SIGHUP);
  for (int i = 0; i < 500 && slurp(c.err).find("re-read") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(get(port, "/healthz", "first-token-1111").status, 401);
  EXPECT_EQ(get(port, "/healthz", "second-token-2222").body, "{\"status\":\"ok\",\"documents\":13}");
  kill(c.pid, SIGTERM);
  EXPECT_EQ(wait_exit(c.pid), 0);
  std::string err = slurp(c.err);
  EXPECT_NE(err.find("lore-serve: re-read " + tokens.string() + "\n"), std::string::npos) << err;
  EXPECT_NE(err.find("lore-serve: stopping: finishing the requests in flight\n"), std::string::npos) << err;
  EXPECT_EQ(err.find("first-token-1111"), std::string::npos) << err;
}

// ---------------------------------------------------------------------------
// The page in headless Chromium: its script runs, fetches the API and fills
// the page; --dump-dom prints the result.

const char* kChromium = "/usr/bin/chromium";

std::string dump_dom(const std::string& url) {
  TempDir profile;
  fs::path out = profile.path / "dom.html";
  std::string cmd = std::string("timeout 120 ") + kChromium +
                    " --headless --no-sandbox --disable-gpu --disable-background-networking"
                    " --disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage"
                    " --user-data-dir=" + (profile.path / "profile").string() +
                    " --virtual-time-budget=10000 --dump-dom '" + url + "' >" + out.string() + " 2>/dev/null";
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << cmd;
  return slurp(out);
}

TEST_F(serve_test, the_page_searches_shows_facets_and_opens_a_conversation_in_chromium) {
  if (access(kChromium, X_OK) != 0) GTEST_SKIP() << "chromium is not installed";
  const std::string base = "http://127.0.0.1:" + std::to_string(port_) + "/";

  std::string dom = dump_dom(base + "?q=freeze");
  // The hits of the API, in its order, each with its snippet.
  std::vector<std::string> expected = hit_ids(get(port_, "/api/v1/search?q=freeze&facets=1&limit=20"));
  ASSERT_EQ(expected.size(), 5u);
  size_t at = 0;
  for (const auto& id : expected) {
    size_t found = dom.find("<li class=\"hit\" data-id=\"" + id + "\"", at);
    EXPECT_NE(found, std::string::npos) << id << "\n" << dom;
    if (found != std::string::npos) at = found;
  }
  EXPECT_NE(dom.find("<mark>FREEZE</mark>"), std::string::npos);
  EXPECT_NE(dom.find("1–5 of about 5 conversations"), std::string::npos);
  EXPECT_NE(dom.find("data-filter=\"source:github\""), std::string::npos);
  EXPECT_NE(dom.find("data-filter=\"from:&quot;Alice Ng&quot;\""), std::string::npos);
  EXPECT_NE(dom.find("<title>freeze – Lore</title>"), std::string::npos);

  // A facet's link narrows the search.
  dom = dump_dom(base + "?q=freeze%20source%3Agithub");
  EXPECT_NE(dom.find("data-id=\"github:acme/api#13\""), std::string::npos);
  EXPECT_EQ(dom.find("data-id=\"slack:"), std::string::npos);
  EXPECT_NE(dom.find("1–2 of about 2 conversations"), std::string::npos);

  // A conversation, from its link.
  dom = dump_dom(base + "?q=freeze&thread=" + encode(S2));
  for (const char* id : {S1, S2, S3}) EXPECT_NE(dom.find("data-id=\"" + std::string(id) + "\""), std::string::npos) << id;
  EXPECT_NE(dom.find("3 documents in this conversation"), std::string::npos);
  EXPECT_NE(dom.find("Deploys are now frozen for production."), std::string::npos);

  // Without a token, a restricted conversation is not found.
  dom = dump_dom(base + "?thread=" + encode(S6));
  EXPECT_NE(dom.find("no document " + std::string(S6)), std::string::npos);
  EXPECT_EQ(dom.find("Heron"), std::string::npos);
}

TEST(serve_page_test, markup_in_a_document_stays_text_on_the_page) {
  if (access(kChromium, X_OK) != 0) GTEST_SKIP() << "chromium is not installed";
  TempDir t;
  std::string db = (t.path / "db").string();
  {
    IndexWriter w(db);
    Record r;
    r.id = "notes:markup";
    r.source = "meetings";
    r.kind = "post";
    r.space = "weekly";
    r.author = "Eve <script>";
    r.date = 1650000000;
    r.title = "<i>Tricky</i> title";
    r.text = "The freeze <b>starts</b> & <img src=x onerror=\"document.title='owned'\"> ends";
    w.write(r);
    w.commit();
  }
  ServerOptions o;
  o.db = db;
  o.port = 0;
  o.access_log = false;
  Server server(o);
  server.start();
  std::string dom = dump_dom("http://127.0.0.1:" + std::to_string(server.port()) + "/?q=freeze");
  EXPECT_NE(dom.find("data-id=\"notes:markup\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("The <mark>freeze</mark> &lt;b&gt;starts&lt;/b&gt; &amp; &lt;img src=x onerror="), std::string::npos)
      << dom;
  EXPECT_NE(dom.find("&lt;i&gt;Tricky&lt;/i&gt; title"), std::string::npos);
  EXPECT_NE(dom.find("Eve &lt;script&gt;"), std::string::npos);
  EXPECT_EQ(dom.find("<b>starts"), std::string::npos);
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  EXPECT_NE(dom.find("<title>freeze – Lore</title>"), std::string::npos);  // no handler ran
}

}  // namespace
}  // namespace lore
