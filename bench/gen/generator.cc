// The shapes mimic the real samples in ../shared/realdata: Slack's standard
// export (houstondatavis for the layout, julialang for the thread fields), the
// milahu GitHub migration archive, and the WordPress theme unit test WXR.
// Everything is drawn from one seeded generator in a fixed order, and archive
// entries carry fixed times, so the same options give the same bytes.
#include "generator.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace lore::gen {
namespace {

constexpr std::string_view kWordText =
#include "words.inc"
    ;

constexpr const char* kFirst[] = {"Ana",    "Ben",   "Chloe", "Dev",    "Elif",  "Farid", "Grace", "Hiro",
                                  "Ines",   "Jonas", "Kofi",  "Lena",   "Mateo", "Nadia", "Omar",  "Priya",
                                  "Quinn",  "Rosa",  "Sven",  "Tariq",  "Uma",   "Viktor", "Wen",  "Ximena",
                                  "Yusuf",  "Zoe",   "Arjun", "Bianca", "Carlos", "Dana",  "Emeka", "Fatima"};
constexpr const char* kLast[] = {"Lima",   "Okafor", "Novak",  "Tanaka", "Schmidt", "Haddad", "Costa",  "Kowalski",
                                 "Nguyen", "Moreau", "Rossi",  "Jensen", "Petrov",  "Garcia", "Kim",    "Singh",
                                 "Muller", "Silva",  "Berg",   "Ahmed",  "Dubois",  "Ivanova", "Sato",  "Walsh"};
constexpr const char* kEmoji[] = {"+1", "tada", "eyes", "white_check_mark", "rocket", "joy", "thinking_face", "fire"};
constexpr const char* kChannelPrefix[] = {"eng", "team", "proj", "ops", "help", "design", "sales", "data", "infra", "social"};
constexpr const char* kLabels[] = {"bug", "enhancement", "documentation", "good first issue", "help wanted",
                                   "question", "performance", "security", "breaking change", "wontfix"};
constexpr const char* kLabelColors[] = {"d73a4a", "a2eeef", "0075ca", "7057ff", "008672",
                                        "d876e3", "fbca04", "b60205", "e99695", "ffffff"};
constexpr const char* kHosts[] = {"github.com/acme", "docs.acme.example", "wiki.acme.example", "grafana.acme.example",
                                  "stackoverflow.com/questions", "en.wikipedia.org/wiki", "news.ycombinator.com/item"};
constexpr int64_t kStart = 1546300800;  // 2019-01-01T00:00:00Z

// splitmix64: small, fast, and the same on every machine.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n).
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  /// Uniform in [lo, hi].
  uint64_t between(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
  double real() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  bool chance(double p) { return real() < p; }

 private:
  uint64_t s_;
};

// Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s.
class Zipf {
 public:
  Zipf(size_t n, double s) : cdf_(n) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) cdf_[i] = (sum += 1.0 / std::pow(static_cast<double>(i + 1), s));
    for (auto& c : cdf_) c /= sum;
  }
  size_t draw(Rng& rng) const {
    auto it = std::upper_bound(cdf_.begin(), cdf_.end(), rng.real());
    return it == cdf_.end() ? cdf_.size() - 1 : static_cast<size_t>(it - cdf_.begin());
  }
  size_t size() const { return cdf_.size(); }

 private:
  std::vector<double> cdf_;
};

std::vector<std::string_view> vocabulary() {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < kWordText.size()) {
    while (i < kWordText.size() && (kWordText[i] == ' ' || kWordText[i] == '\n')) ++i;
    size_t j = i;
    while (j < kWordText.size() && kWordText[j] != ' ' && kWordText[j] != '\n') ++j;
    if (j > i) out.push_back(kWordText.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string base36(uint64_t v, size_t width) {
  static const char* digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out(width, '0');
  for (size_t i = width; i-- > 0; v /= 36) out[i] = digits[v % 36];
  return out;
}

// A stable id of Slack's look ("C024BE91L"): prefix and 8 base-36 digits.
std::string slack_id(char prefix, uint64_t index) { return prefix + base36(1'000'000'000ull + index * 7919, 8); }

std::string two(int v) {
  std::string out = std::to_string(v);
  return out.size() < 2 ? "0" + out : out;
}

struct Civil {
  int y, m, d, hh, mm, ss, wday;
};

Civil civil(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_wday};
}

std::string iso_date(int64_t t) {
  Civil c = civil(t);
  return std::to_string(c.y) + "-" + two(c.m) + "-" + two(c.d);
}

std::string iso_time(int64_t t) {
  Civil c = civil(t);
  return iso_date(t) + "T" + two(c.hh) + ":" + two(c.mm) + ":" + two(c.ss) + "Z";
}

// "2019-01-01 13:04:05", WordPress's post_date.
std::string wp_time(int64_t t) {
  Civil c = civil(t);
  return iso_date(t) + " " + two(c.hh) + ":" + two(c.mm) + ":" + two(c.ss);
}

std::string rfc822(int64_t t) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Civil c = civil(t);
  return std::string(days[c.wday]) + ", " + two(c.d) + " " + months[c.m - 1] + " " + std::to_string(c.y) + " " +
         two(c.hh) + ":" + two(c.mm) + ":" + two(c.ss) + " +0000";
}

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  out += '"';
}

std::string json_str(std::string_view s) {
  std::string out;
  json_string(out, s);
  return out;
}

void xml_escape(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
}

// Message length in words: many short chat lines, some paragraphs, a few long posts.
size_t message_words(Rng& rng, bool long_form) {
  double p = rng.real();
  if (long_form) {
    if (p < 0.7) return rng.between(30, 120);
    if (p < 0.97) return rng.between(120, 300);
    return rng.between(300, 800);
  }
  if (p < 0.08) return 1;
  if (p < 0.65) return rng.between(3, 18);
  if (p < 0.93) return rng.between(18, 70);
  return rng.between(70, 400);
}

struct Person {
  std::string id;      // Slack user id
  std::string handle;  // Slack name, GitHub login, WordPress login
  std::string name;    // display name
};

std::vector<Person> people(size_t n, char prefix) {
  std::vector<Person> out;
  const size_t nf = std::size(kFirst), nl = std::size(kLast);
  for (size_t i = 0; i < n; ++i) {
    Person p;
    p.id = slack_id(prefix, i);
    std::string first = kFirst[i % nf], last = kLast[(i / nf) % nl];
    p.name = first + " " + last;
    p.handle = first + "." + last;
    std::transform(p.handle.begin(), p.handle.end(), p.handle.begin(), ::tolower);
    if (i >= nf * nl) p.handle += std::to_string(i / (nf * nl));
    if (i >= nf * nl) p.name += " " + std::to_string(i / (nf * nl));
    out.push_back(std::move(p));
  }
  return out;
}

// How marked-up text is written in each format.
enum class Markup { Slack, Markdown, Html };

class TextMaker {
 public:
  TextMaker(Rng& rng, const std::vector<Person>& users)
      : rng_(rng), users_(users), words_(vocabulary()), zipf_(words_.size(), 1.05) {}

  std::string_view word() { return words_[zipf_.draw(rng_)]; }

  std::string title() {
    std::string t;
    size_t n = rng_.between(3, 9);
    for (size_t i = 0; i < n; ++i) {
      if (i) t += ' ';
      std::string_view w = word();
      if (i == 0 && !w.empty() && w[0] >= 'a' && w[0] <= 'z') {
        t += static_cast<char>(w[0] - 32);
        t.append(w.substr(1));
      } else {
        t.append(w);
      }
    }
    return t;
  }

  // Running text of `n` words with sentences, and now and then a mention, a
  // link, inline code or a code block, written in `markup`.
  std::string text(size_t n, Markup markup, std::vector<std::string>* mentioned = nullptr) {
    std::string out;
    if (markup == Markup::Html) out += "<p>";
    size_t sentence = 0;
    for (size_t i = 0; i < n; ++i) {
      if (i) out += ' ';
      double p = rng_.real();
      if (p < 0.012 && !users_.empty()) {
        const Person& u = users_[rng_.below(users_.size())];
        if (mentioned) mentioned->push_back(u.id);
        if (markup == Markup::Slack)
          out += "<@" + u.id + ">";
        else if (markup == Markup::Markdown)
          out += "@" + u.handle;
        else
          out += "<strong>@" + u.handle + "</strong>";
      } else if (p < 0.02) {
        std::string url = std::string("https://") + kHosts[rng_.below(std::size(kHosts))] + "/" +
                          std::string(word()) + "-" + std::to_string(rng_.below(100000));
        std::string label(word());
        if (markup == Markup::Slack)
          out += rng_.chance(0.5) ? "<" + url + ">" : "<" + url + "|" + label + ">";
        else if (markup == Markup::Markdown)
          out += "[" + label + "](" + url + ")";
        else
          out += "<a href=\"" + url + "\">" + label + "</a>";
      } else if (p < 0.035) {
        std::string_view w = word();
        if (markup == Markup::Html)
          out += "<code>" + std::string(w) + "</code>";
        else
          out += "`" + std::string(w) + "`";
      } else if (p < 0.037 && n > 20) {
        std::string code;
        size_t lines = rng_.between(1, 6);
        for (size_t l = 0; l < lines; ++l) {
          code += std::string(word()) + "(" + std::string(word()) + ", " + std::to_string(rng_.below(1000)) + ");";
          if (l + 1 < lines) code += '\n';
        }
        if (markup == Markup::Html)
          out += "</p>\n<pre><code>" + code + "</code></pre>\n<p>";
        else
          out += "\n```\n" + code + "\n```\n";
      } else if (p < 0.045 && markup == Markup::Slack) {
        out += ":" + std::string(kEmoji[rng_.below(std::size(kEmoji))]) + ":";
      } else {
        std::string_view w = word();
        if (sentence == 0 && w[0] >= 'a' && w[0] <= 'z') {
          out += static_cast<char>(w[0] - 32);
          out.append(w.substr(1));
        } else {
          out.append(w);
        }
      }
      ++sentence;
      if (sentence > 4 && rng_.chance(0.12) && i + 1 < n) {
        out += rng_.chance(0.85) ? "." : "?";
        sentence = 0;
        if (rng_.chance(0.08)) out += markup == Markup::Html ? "</p>\n<p>" : "\n\n";
      }
    }
    if (n > 1) out += '.';
    if (markup == Markup::Html) out += "</p>";
    return out;
  }

 private:
  Rng& rng_;
  const std::vector<Person>& users_;
  std::vector<std::string_view> words_;
  Zipf zipf_;
};

// Archive output through libarchive with fixed entry times and owners.
class ArchiveOut {
 public:
  ArchiveOut(const std::string& path, bool zip) : a_(archive_write_new()) {
    if (zip) {
      archive_write_set_format_zip(a_);
      archive_write_zip_set_compression_deflate(a_);
    } else {
      archive_write_set_format_pax_restricted(a_);
      archive_write_add_filter_gzip(a_);
      // No time in the gzip header, so the bytes depend on the content only.
      archive_write_set_filter_option(a_, "gzip", "timestamp", nullptr);
    }
    if (archive_write_open_filename(a_, path.c_str()) != ARCHIVE_OK) fail();
  }
  ~ArchiveOut() {
    if (a_) archive_write_free(a_);
  }
  void add(const std::string& name, const std::string& content) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, kStart, 0);
    int rc = archive_write_header(a_, e);
    archive_entry_free(e);
    if (rc != ARCHIVE_OK) fail();
    if (archive_write_data(a_, content.data(), content.size()) < 0) fail();
    bytes_ += content.size();
  }
  void close() {
    if (archive_write_close(a_) != ARCHIVE_OK) fail();
    archive_write_free(a_);
    a_ = nullptr;
  }
  uint64_t bytes() const { return bytes_; }

 private:
  [[noreturn]] void fail() {
    std::string msg = archive_error_string(a_) ? archive_error_string(a_) : "archive error";
    throw std::runtime_error(msg);
  }
  archive* a_;
  uint64_t bytes_ = 0;
};

// Replies in a thread: mostly a few, sometimes a long discussion.
size_t draw_replies(Rng& rng) {
  double p = rng.real();
  if (p < 0.5) return rng.between(1, 2);
  if (p < 0.85) return rng.between(3, 6);
  return rng.between(7, 25);
}

uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi) { return std::max(lo, std::min(hi, v)); }

// Splits `total` over `n` buckets with Zipf weights in a shuffled order,
// each bucket at least `min_each` when the total allows.
// The first `favoured` buckets weigh `factor` times more (public channels
// carry most of a workspace's talk).
std::vector<uint64_t> split(Rng& rng, uint64_t total, size_t n, double s, size_t favoured = 0, double factor = 1) {
  std::vector<double> w(n);
  for (size_t i = 0; i < n; ++i) w[i] = 1.0 / std::pow(static_cast<double>(i + 1), s);
  for (size_t i = n; i > 1; --i) std::swap(w[i - 1], w[rng.below(i)]);
  for (size_t i = 0; i < favoured && i < n; ++i) w[i] *= factor;
  double sum = std::accumulate(w.begin(), w.end(), 0.0);
  std::vector<uint64_t> out(n);
  uint64_t given = 0;
  for (size_t i = 0; i < n; ++i) given += out[i] = static_cast<uint64_t>(std::floor(static_cast<double>(total) * w[i] / sum));
  for (size_t i = 0; given < total; i = (i + 1) % n, ++given) ++out[i];
  return out;
}

// ---------------------------------------------------------------- Slack

struct Conversation {
  enum Kind { Public, Private, Direct, Group } kind;
  std::string id, name, folder;
  std::vector<size_t> members;
  int64_t created = 0;
};

std::string user_json(const Person& p, bool bot) {
  std::string o = "{\"id\":" + json_str(p.id) + ",\"team_id\":\"T0LORE001\",\"name\":" + json_str(p.handle) +
                  ",\"deleted\":false,\"real_name\":" + json_str(p.name) + ",\"tz\":\"Europe/Berlin\"" +
                  ",\"profile\":{\"real_name\":" + json_str(p.name) + ",\"display_name\":" + json_str(p.handle) +
                  ",\"title\":\"\"},\"is_admin\":false,\"is_bot\":" + (bot ? "true" : "false") + "}";
  return o;
}

std::string conversation_json(const Conversation& c, const std::vector<Person>& users, TextMaker& tm) {
  std::string o = "{\"id\":" + json_str(c.id);
  if (c.kind != Conversation::Direct) o += ",\"name\":" + json_str(c.name);
  o += ",\"created\":" + json_str(std::to_string(c.created));
  if (c.kind != Conversation::Direct) o += ",\"creator\":" + json_str(users[c.members[0]].id);
  if (c.kind == Conversation::Public || c.kind == Conversation::Private)
    o += std::string(",\"is_archived\":false,\"is_general\":") + (c.name == "general" ? "true" : "false");
  o += ",\"members\":[";
  for (size_t i = 0; i < c.members.size(); ++i) o += (i ? "," : "") + json_str(users[c.members[i]].id);
  o += "]";
  if (c.kind == Conversation::Public || c.kind == Conversation::Private) {
    o += ",\"topic\":{\"value\":" + json_str(tm.title()) + ",\"creator\":" + json_str(users[c.members[0]].id) +
         ",\"last_set\":" + json_str(std::to_string(c.created)) + "}";
    o += ",\"purpose\":{\"value\":" + json_str(tm.title()) + ",\"creator\":" + json_str(users[c.members[0]].id) +
         ",\"last_set\":" + json_str(std::to_string(c.created)) + "}";
  }
  return o + "}";
}

struct SlackMsg {
  int64_t sec;
  uint32_t micro;
  std::string json;
  std::string ts() const {
    char b[32];
    snprintf(b, sizeof b, "%lld.%06u", static_cast<long long>(sec), micro);
    return b;
  }
};

std::string slack_ts(int64_t sec, uint32_t micro) {
  char b[32];
  snprintf(b, sizeof b, "%lld.%06u", static_cast<long long>(sec), micro);
  return b;
}

GenSummary generate_slack(const GenOptions& o, const std::string& path) {
  Rng rng(o.seed);
  GenSummary sum;
  const uint64_t m = o.messages;
  auto users = people(clamp(m / 500, 20, 5000), 'U');
  std::vector<bool> is_bot(users.size());
  for (size_t i = 0; i < users.size(); ++i) is_bot[i] = i % 97 == 50;
  TextMaker tm(rng, users);
  const uint64_t days = clamp(m / 1500, 30, 3650);

  std::vector<Conversation> convs;
  auto pick_members = [&](size_t n) {
    std::vector<size_t> ms;
    while (ms.size() < std::min(n, users.size())) {
      size_t u = rng.below(users.size());
      if (std::find(ms.begin(), ms.end(), u) == ms.end()) ms.push_back(u);
    }
    return ms;
  };
  const uint64_t n_public = clamp(m / 2000, 5, 1000), n_private = clamp(m / 10000, 2, 200),
                 n_dm = clamp(m / 5000, 3, 2000), n_mpim = clamp(m / 20000, 2, 500);
  for (uint64_t i = 0; i < n_public + n_private; ++i) {
    Conversation c;
    bool pub = i < n_public;
    c.kind = pub ? Conversation::Public : Conversation::Private;
    c.id = slack_id(pub ? 'C' : 'G', i);
    uint64_t k = pub ? i : i - n_public;
    if (pub && k == 0)
      c.name = "general";
    else if (pub && k == 1)
      c.name = "random";
    else
      c.name = std::string(pub ? "" : "priv-") + kChannelPrefix[k % std::size(kChannelPrefix)] + "-" +
               std::string(vocabulary()[20 + k / std::size(kChannelPrefix)]);
    c.folder = c.name;
    c.members = pick_members(pub ? rng.between(5, 150) : rng.between(3, 12));
    c.created = kStart + static_cast<int64_t>(rng.below(days / 2 + 1)) * 86400;
    convs.push_back(std::move(c));
  }
  for (uint64_t i = 0; i < n_dm; ++i) {
    Conversation c;
    c.kind = Conversation::Direct;
    c.id = slack_id('D', i);
    c.folder = c.id;
    c.members = pick_members(2);
    c.created = kStart + static_cast<int64_t>(rng.below(days / 2 + 1)) * 86400;
    convs.push_back(std::move(c));
  }
  for (uint64_t i = 0; i < n_mpim; ++i) {
    Conversation c;
    c.kind = Conversation::Group;
    c.id = slack_id('G', n_private + 1000 + i);
    c.members = pick_members(rng.between(3, 6));
    c.name = "mpdm";
    for (size_t u : c.members) c.name += "-" + users[u].handle;
    c.name += "-1";
    c.folder = c.name;
    c.created = kStart + static_cast<int64_t>(rng.below(days / 2 + 1)) * 86400;
    convs.push_back(std::move(c));
  }

  ArchiveOut out(path, true);
  {
    std::string u = "[\n";
    for (size_t i = 0; i < users.size(); ++i) u += (i ? ",\n" : "") + user_json(users[i], is_bot[i]);
    out.add("users.json", u + "\n]\n");
  }
  const char* files[] = {"channels.json", "groups.json", "dms.json", "mpims.json"};
  for (int kind = 0; kind < 4; ++kind) {
    std::string list = "[\n";
    bool first = true;
    for (const auto& c : convs) {
      if (c.kind != kind) continue;
      list += (first ? "" : ",\n") + conversation_json(c, users, tm);
      first = false;
    }
    out.add(files[kind], list + "\n]\n");
  }

  std::vector<uint64_t> share = split(rng, m, convs.size(), 1.0, n_public, 6.0);
  uint64_t msg_counter = 0;
  for (size_t ci = 0; ci < convs.size(); ++ci) {
    const Conversation& c = convs[ci];
    const bool restricted = c.kind != Conversation::Public;
    const uint64_t first_day = static_cast<uint64_t>((c.created - kStart) / 86400);
    std::vector<uint32_t> day_of(share[ci]);
    for (auto& d : day_of) d = static_cast<uint32_t>(first_day + rng.below(days - first_day));
    std::sort(day_of.begin(), day_of.end());
    Zipf talkers(c.members.size(), 1.2);
    bool joined = false;
    for (size_t at = 0; at < day_of.size();) {
      uint32_t day = day_of[at];
      size_t k = 0;
      while (at + k < day_of.size() && day_of[at + k] == day) ++k;
      at += k;
      const int64_t day_start = kStart + static_cast<int64_t>(day) * 86400;
      std::vector<SlackMsg> msgs;
      uint32_t micro = 100;
      auto next_micro = [&] { return micro += static_cast<uint32_t>(rng.between(1, 50)); };
      if (!joined) {
        for (size_t j = 0; j < std::min<size_t>(3, c.members.size()); ++j) {
          const Person& p = users[c.members[j]];
          SlackMsg jm{day_start + static_cast<int64_t>(j), next_micro(), {}};
          jm.json = "{\"user\":" + json_str(p.id) + ",\"type\":\"message\",\"subtype\":\"channel_join\",\"text\":" +
                    json_str("<@" + p.id + "|" + p.handle + "> has joined the channel") + ",\"ts\":" +
                    json_str(jm.ts()) + "}";
          msgs.push_back(std::move(jm));
        }
        joined = true;
      }
      size_t left = k;
      while (left > 0) {
        size_t replies = 0;
        if (left > 1 && rng.chance(0.12)) replies = std::min<size_t>(left - 1, draw_replies(rng));
        left -= 1 + replies;
        const int64_t root_sec = day_start + 60 + static_cast<int64_t>(rng.below(80000));
        const uint32_t root_micro = next_micro();
        const size_t root_user = c.members[talkers.draw(rng)];
        const std::string root_ts = slack_ts(root_sec, root_micro);
        std::vector<std::pair<int64_t, uint32_t>> reply_times;
        std::vector<size_t> reply_users;
        int64_t t = root_sec;
        for (size_t r = 0; r < replies; ++r) {
          t += static_cast<int64_t>(rng.between(5, 400));
          if (t >= day_start + 86399) t = day_start + 86399;
          reply_times.emplace_back(t, next_micro());
          reply_users.push_back(c.members[talkers.draw(rng)]);
        }
        auto body = [&](size_t user, int64_t sec, uint32_t mic, bool thread_root, bool reply) {
          std::string j = "{";
          const Person& p = users[user];
          const std::string ts = slack_ts(sec, mic);
          std::string text = tm.text(message_words(rng, false), Markup::Slack);
          if (is_bot[user]) {
            j += "\"type\":\"message\",\"subtype\":\"bot_message\",\"bot_id\":" + json_str("B" + p.id.substr(1)) +
                 ",\"username\":" + json_str(p.handle) + ",\"text\":" + json_str(text);
          } else {
            j += "\"client_msg_id\":" + json_str(base36(rng.next() >> 8, 8) + "-" + base36(rng.next() >> 20, 4)) +
                 ",\"type\":\"message\",\"text\":" + json_str(text) + ",\"user\":" + json_str(p.id);
          }
          j += ",\"ts\":" + json_str(ts) + ",\"team\":\"T0LORE001\"";
          if (rng.chance(0.03))
            j += ",\"edited\":{\"user\":" + json_str(p.id) + ",\"ts\":" + json_str(slack_ts(sec + 30, mic)) + "}";
          if (thread_root) {
            j += ",\"thread_ts\":" + json_str(ts) + ",\"reply_count\":" + std::to_string(reply_times.size());
            std::vector<std::string> ru;
            for (size_t u : reply_users)
              if (std::find(ru.begin(), ru.end(), users[u].id) == ru.end()) ru.push_back(users[u].id);
            j += ",\"reply_users_count\":" + std::to_string(ru.size()) + ",\"latest_reply\":" +
                 json_str(slack_ts(reply_times.back().first, reply_times.back().second)) + ",\"reply_users\":[";
            for (size_t i = 0; i < ru.size(); ++i) j += (i ? "," : "") + json_str(ru[i]);
            j += "],\"is_locked\":false,\"subscribed\":false";
          }
          if (reply) j += ",\"thread_ts\":" + json_str(root_ts) + ",\"parent_user_id\":" + json_str(users[root_user].id);
          if (rng.chance(0.02)) {
            std::string fname = std::string(tm.word()) + "-" + std::to_string(rng.below(1000)) + ".png";
            j += ",\"files\":[{\"id\":" + json_str(slack_id('F', rng.below(1u << 30))) + ",\"name\":" + json_str(fname) +
                 ",\"title\":" + json_str(fname) + ",\"mimetype\":\"image/png\",\"filetype\":\"png\"" +
                 ",\"url_private\":" + json_str("https://files.slack.com/files-pri/T0LORE001/" + fname) + "}]";
          }
          if (rng.chance(0.08)) {
            size_t who = c.members[rng.below(c.members.size())];
            j += ",\"reactions\":[{\"name\":" + json_str(kEmoji[rng.below(std::size(kEmoji))]) + ",\"users\":[" +
                 json_str(users[who].id) + "],\"count\":1}]";
          }
          return j + "}";
        };
        msgs.push_back({root_sec, root_micro, body(root_user, root_sec, root_micro, replies > 0, false)});
        for (size_t r = 0; r < replies; ++r)
          msgs.push_back({reply_times[r].first, reply_times[r].second,
                          body(reply_users[r], reply_times[r].first, reply_times[r].second, false, true)});
        sum.records += 1 + replies;
        if (restricted) sum.restricted += 1 + replies;
        if (replies) ++sum.threads;
        msg_counter += 1 + replies;
      }
      std::sort(msgs.begin(), msgs.end(),
                [](const SlackMsg& a, const SlackMsg& b) { return std::tie(a.sec, a.micro) < std::tie(b.sec, b.micro); });
      std::string file = "[\n";
      for (size_t i = 0; i < msgs.size(); ++i) file += (i ? ",\n    " : "    ") + msgs[i].json;
      out.add(c.folder + "/" + iso_date(day_start) + ".json", file + "\n]\n");
    }
  }
  out.close();
  sum.bytes = out.bytes();
  return sum;
}


// ---------------------------------------------------------------- GitHub

// Collects records of one kind and writes them as kind_000001.json,
// kind_000002.json, ... of at most kChunk records each, as migrations do.
class ChunkedJson {
 public:
  static constexpr size_t kChunk = 1000;
  ChunkedJson(ArchiveOut& out, std::string kind) : out_(out), kind_(std::move(kind)) {}
  void add(const std::string& record) {
    buf_ += (count_ ? ",\n  " : "[\n  ") + record;
    if (++count_ == kChunk) flush();
  }
  void flush() {
    if (!count_) return;
    char name[64];
    snprintf(name, sizeof name, "%s_%06u.json", kind_.c_str(), ++file_);
    out_.add(name, buf_ + "\n]\n");
    buf_.clear();
    count_ = 0;
  }

 private:
  ArchiveOut& out_;
  std::string kind_, buf_;
  size_t count_ = 0;
  unsigned file_ = 0;
};

std::string sha(Rng& rng) {
  static const char* hex = "0123456789abcdef";
  std::string s(40, '0');
  for (auto& c : s) c = hex[rng.below(16)];
  return s;
}

GenSummary generate_github(const GenOptions& o, const std::string& path) {
  Rng rng(o.seed);
  GenSummary sum;
  const uint64_t m = o.messages;
  auto users = people(clamp(m / 500, 20, 5000), 'U');
  for (auto& u : users) std::replace(u.handle.begin(), u.handle.end(), '.', '-');
  TextMaker tm(rng, users);
  const uint64_t n_repos = clamp(m / 5000, 3, 500);
  const uint64_t span = clamp(m / 1500, 30, 3650) * 86400;
  const std::string org = "https://github.com/acme";
  auto user_url = [&](size_t u) { return "https://github.com/" + users[u].handle; };

  struct Repo {
    std::string name, url;
    bool priv;
  };
  std::vector<Repo> repos;
  for (uint64_t i = 0; i < n_repos; ++i) {
    std::string name = std::string(vocabulary()[30 + i % 1000]) + (i >= 1000 ? "-" + std::to_string(i / 1000) : "");
    if (i == 0) name = "kestrel";
    repos.push_back({name, org + "/" + name, i % 5 == 1});
  }

  ArchiveOut out(path, false);
  out.add("schema.json", "{\"version\":\"1.1.0\",\"github_sha\":\"" + sha(rng) + "\"}\n");
  {
    ChunkedJson rj(out, "repositories");
    for (const auto& r : repos) {
      std::string j = "{\n    \"type\": \"repository\",\n    \"url\": " + json_str(r.url) +
                      ",\n    \"owner\": " + json_str(org) + ",\n    \"name\": " + json_str(r.name) +
                      ",\n    \"description\": " + json_str(tm.title()) + ",\n    \"website\": \"\",\n    \"private\": " +
                      (r.priv ? "true" : "false") +
                      ",\n    \"has_issues\": true,\n    \"has_wiki\": false,\n    \"has_downloads\": true,\n"
                      "    \"is_archived\": false,\n    \"labels\": [";
      for (size_t l = 0; l < std::size(kLabels); ++l)
        j += std::string(l ? "," : "") + "\n      {\"url\": " + json_str(r.url + "/labels/" + kLabels[l]) +
             ", \"name\": " + json_str(kLabels[l]) + ", \"color\": " + json_str(kLabelColors[l]) +
             ", \"description\": \"\", \"created_at\": " + json_str(iso_time(kStart)) + "}";
      j += "\n    ],\n    \"collaborators\": [],\n    \"created_at\": " + json_str(iso_time(kStart)) + "\n  }";
      rj.add(j);
    }
    rj.flush();
    ChunkedJson uj(out, "users");
    for (size_t i = 0; i < users.size(); ++i)
      uj.add("{\n    \"type\": \"user\",\n    \"url\": " + json_str(user_url(i)) + ",\n    \"login\": " +
             json_str(users[i].handle) + ",\n    \"name\": " + json_str(users[i].name) +
             ",\n    \"bio\": \"\",\n    \"company\": \"Acme\",\n    \"website\": \"\",\n    \"location\": null,\n"
             "    \"emails\": [],\n    \"billing_plan\": null,\n    \"created_at\": " +
             json_str(iso_time(kStart - 86400 * 365)) + "\n  }");
    uj.flush();
  }

  ChunkedJson issues(out, "issues"), pulls(out, "pull_requests"), comments(out, "issue_comments");
  std::vector<uint64_t> share = split(rng, m, repos.size(), 1.0);
  uint64_t comment_id = 1000000000;
  for (size_t ri = 0; ri < repos.size(); ++ri) {
    const Repo& r = repos[ri];
    uint64_t left = share[ri];
    std::vector<int64_t> times;
    // Items of a repository in time order; numbers count up as on GitHub.
    uint64_t number = 0;
    int64_t t = kStart + static_cast<int64_t>(rng.below(span / 4));
    const int64_t step = static_cast<int64_t>(std::max<uint64_t>(1, span / (share[ri] + 1)));
    while (left > 0) {
      ++number;
      const bool pr = rng.chance(0.3);
      size_t n_comments = 0;
      if (left > 1 && rng.chance(0.7)) n_comments = std::min<uint64_t>(left - 1, draw_replies(rng));
      left -= 1 + n_comments;
      t += static_cast<int64_t>(rng.below(static_cast<uint64_t>(step) * 2 + 1));
      const size_t author = rng.below(users.size());
      const std::string item_url = r.url + (pr ? "/pull/" : "/issues/") + std::to_string(number);
      const bool closed = rng.chance(0.6);
      const int64_t closed_at = t + static_cast<int64_t>(rng.between(600, 86400 * 20));
      std::string labels = "[";
      if (rng.chance(0.5)) {
        size_t nl = rng.between(1, 3);
        for (size_t l = 0; l < nl; ++l)
          labels += std::string(l ? ", " : "") + json_str(r.url + "/labels/" + kLabels[rng.below(std::size(kLabels))]);
      }
      labels += "]";
      std::string j = "{\n    \"type\": " + json_str(pr ? "pull_request" : "issue") + ",\n    \"url\": " +
                      json_str(item_url) + ",\n    \"repository\": " + json_str(r.url) + ",\n    \"user\": " +
                      json_str(user_url(author)) + ",\n    \"title\": " + json_str(tm.title()) +
                      ",\n    \"body\": " + json_str(tm.text(message_words(rng, rng.chance(0.4)), Markup::Markdown));
      if (pr) {
        j += ",\n    \"base\": {\"ref\": \"main\", \"sha\": " + json_str(sha(rng)) + ", \"user\": " + json_str(org) +
             ", \"repo\": " + json_str(r.url) + "}";
        j += ",\n    \"head\": {\"ref\": " + json_str(std::string(tm.word()) + "-" + std::to_string(number)) +
             ", \"sha\": " + json_str(sha(rng)) + ", \"user\": " + json_str(user_url(author)) + ", \"repo\": " +
             json_str(r.url) + "}";
      }
      j += ",\n    \"assignee\": null,\n    \"assignees\": [],\n    \"milestone\": null,\n    \"labels\": " + labels +
           ",\n    \"reactions\": []";
      if (pr) {
        const bool merged = closed && rng.chance(0.7);
        j += ",\n    \"review_requests\": [],\n    \"work_in_progress\": false,\n    \"merged_at\": " +
             (merged ? json_str(iso_time(closed_at)) : std::string("null"));
      }
      j += ",\n    \"closed_at\": " + (closed ? json_str(iso_time(closed_at)) : std::string("null")) +
           ",\n    \"created_at\": " + json_str(iso_time(t)) + ",\n    \"updated_at\": " +
           json_str(iso_time(closed ? closed_at : t)) + "\n  }";
      (pr ? pulls : issues).add(j);
      int64_t ct = t;
      for (size_t c = 0; c < n_comments; ++c) {
        ct += static_cast<int64_t>(rng.between(60, 86400 * 3));
        const std::string curl = r.url + "/issues/" + std::to_string(number) + "#issuecomment-" +
                                 std::to_string(++comment_id);
        comments.add("{\n    \"type\": \"issue_comment\",\n    \"url\": " + json_str(curl) + ",\n    " +
                     (pr ? "\"pull_request\": " : "\"issue\": ") + json_str(item_url) + ",\n    \"user\": " +
                     json_str(user_url(rng.below(users.size()))) + ",\n    \"body\": " +
                     json_str(tm.text(message_words(rng, false), Markup::Markdown)) +
                     ",\n    \"formatter\": \"markdown\",\n    \"reactions\": [],\n    \"created_at\": " +
                     json_str(iso_time(ct)) + "\n  }");
      }
      sum.records += 1 + n_comments;
      if (r.priv) sum.restricted += 1 + n_comments;
      if (n_comments) ++sum.threads;
    }
  }
  issues.flush();
  pulls.flush();
  comments.flush();
  out.close();
  sum.bytes = out.bytes();
  return sum;
}

// ---------------------------------------------------------------- WXR

GenSummary generate_wxr(const GenOptions& o, const std::string& path) {
  Rng rng(o.seed);
  GenSummary sum;
  const uint64_t m = o.messages;
  auto authors = people(clamp(m / 1000, 5, 500), 'U');
  TextMaker tm(rng, authors);
  const std::string site = "https://p2.acme.example";
  const uint64_t span = clamp(m / 1500, 30, 3650) * 86400;
  std::vector<std::string> categories, tags;
  for (size_t i = 0; i < 20; ++i) categories.push_back(std::string(vocabulary()[100 + i * 3]));
  for (size_t i = 0; i < 200; ++i) tags.push_back(std::string(vocabulary()[200 + i * 5]));

  std::unique_ptr<FILE, int (*)(FILE*)> f(fopen(path.c_str(), "wb"), fclose);
  if (!f) throw std::runtime_error("cannot write " + path);
  std::string buf;
  auto flush = [&](bool force) {
    if (buf.size() < (1u << 20) && !force) return;
    if (fwrite(buf.data(), 1, buf.size(), f.get()) != buf.size()) throw std::runtime_error("cannot write " + path);
    sum.bytes += buf.size();
    buf.clear();
  };
  buf += "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
         "<!-- This is a WordPress eXtended RSS file generated by a benchmark generator. -->\n"
         "<rss version=\"2.0\"\n\txmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"\n"
         "\txmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
         "\txmlns:wfw=\"http://wellformedweb.org/CommentAPI/\"\n\txmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
         "\txmlns:wp=\"http://wordpress.org/export/1.2/\"\n>\n\n<channel>\n\t<title>Acme P2</title>\n\t<link>" +
         site + "</link>\n\t<description>What the teams are working on</description>\n\t<pubDate>" +
         rfc822(kStart + static_cast<int64_t>(span)) +
         "</pubDate>\n\t<language>en-US</language>\n\t<wp:wxr_version>1.2</wp:wxr_version>\n\t<wp:base_site_url>" +
         site + "</wp:base_site_url>\n\t<wp:base_blog_url>" + site + "</wp:base_blog_url>\n\n";
  for (size_t i = 0; i < authors.size(); ++i) {
    buf += "\t<wp:author><wp:author_id>" + std::to_string(i + 1) + "</wp:author_id><wp:author_login><![CDATA[" +
           authors[i].handle + "]]></wp:author_login><wp:author_email><![CDATA[" + authors[i].handle +
           "@acme.example]]></wp:author_email><wp:author_display_name><![CDATA[" + authors[i].name +
           "]]></wp:author_display_name><wp:author_first_name><![CDATA[]]></wp:author_first_name>"
           "<wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>\n";
  }
  for (size_t i = 0; i < categories.size(); ++i)
    buf += "\t<wp:category><wp:term_id>" + std::to_string(i + 1) + "</wp:term_id><wp:category_nicename>" +
           categories[i] + "</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[" +
           categories[i] + "]]></wp:cat_name></wp:category>\n";
  for (size_t i = 0; i < tags.size(); ++i)
    buf += "\t<wp:tag><wp:term_id>" + std::to_string(100 + i) + "</wp:term_id><wp:tag_slug>" + tags[i] +
           "</wp:tag_slug><wp:tag_name><![CDATA[" + tags[i] + "]]></wp:tag_name></wp:tag>\n";
  buf += "\n\t<generator>https://wordpress.org/?v=6.4</generator>\n\n";

  uint64_t left = m, post_id = 0, comment_id = 0;
  int64_t t = kStart;
  const int64_t step = static_cast<int64_t>(std::max<uint64_t>(1, span / (m / 4 + 1)));
  Zipf tag_zipf(tags.size(), 1.0);
  while (left > 0) {
    size_t n_comments = 0;
    if (left > 1 && rng.chance(0.85)) n_comments = std::min<uint64_t>(left - 1, draw_replies(rng));
    left -= 1 + n_comments;
    const uint64_t id = ++post_id * 3;
    t += static_cast<int64_t>(rng.below(static_cast<uint64_t>(step) * 2 + 1));
    const size_t author = rng.below(authors.size());
    const std::string title = tm.title();
    std::string slug = title;
    std::transform(slug.begin(), slug.end(), slug.begin(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : '-';
    });
    const std::string link = site + "/" + iso_date(t).substr(0, 4) + "/" + iso_date(t).substr(5, 2) + "/" + slug + "/";
    buf += "\t<item>\n\t\t<title>";
    xml_escape(buf, title);
    buf += "</title>\n\t\t<link>" + link + "</link>\n\t\t<pubDate>" + rfc822(t) + "</pubDate>\n\t\t<dc:creator><![CDATA[" +
           authors[author].handle + "]]></dc:creator>\n\t\t<guid isPermaLink=\"false\">" + site + "/?p=" +
           std::to_string(id) + "</guid>\n\t\t<description></description>\n\t\t<content:encoded><![CDATA[" +
           tm.text(message_words(rng, true), Markup::Html) + "]]></content:encoded>\n\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n"
           "\t\t<wp:post_id>" + std::to_string(id) + "</wp:post_id>\n\t\t<wp:post_date><![CDATA[" + wp_time(t) +
           "]]></wp:post_date>\n\t\t<wp:post_date_gmt><![CDATA[" + wp_time(t) +
           "]]></wp:post_date_gmt>\n\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n"
           "\t\t<wp:ping_status><![CDATA[open]]></wp:ping_status>\n\t\t<wp:post_name><![CDATA[" + slug +
           "]]></wp:post_name>\n\t\t<wp:status><![CDATA[publish]]></wp:status>\n\t\t<wp:post_parent>0</wp:post_parent>\n"
           "\t\t<wp:menu_order>0</wp:menu_order>\n\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n"
           "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n\t\t<wp:is_sticky>0</wp:is_sticky>\n";
    const std::string& cat = categories[rng.below(categories.size())];
    buf += "\t\t<category domain=\"category\" nicename=\"" + cat + "\"><![CDATA[" + cat + "]]></category>\n";
    size_t n_tags = rng.below(4);
    for (size_t k = 0; k < n_tags; ++k) {
      const std::string& tag = tags[tag_zipf.draw(rng)];
      buf += "\t\t<category domain=\"post_tag\" nicename=\"" + tag + "\"><![CDATA[" + tag + "]]></category>\n";
    }
    int64_t ct = t;
    std::vector<uint64_t> ids;
    for (size_t c = 0; c < n_comments; ++c) {
      ct += static_cast<int64_t>(rng.between(60, 86400));
      const uint64_t cid = ++comment_id;
      const uint64_t parent = !ids.empty() && rng.chance(0.3) ? ids[rng.below(ids.size())] : 0;
      ids.push_back(cid);
      const size_t who = rng.below(authors.size());
      buf += "\t\t<wp:comment>\n\t\t\t<wp:comment_id>" + std::to_string(cid) +
             "</wp:comment_id>\n\t\t\t<wp:comment_author><![CDATA[" + authors[who].name +
             "]]></wp:comment_author>\n\t\t\t<wp:comment_author_email><![CDATA[" + authors[who].handle +
             "@acme.example]]></wp:comment_author_email>\n\t\t\t<wp:comment_date><![CDATA[" +
             wp_time(ct) + "]]></wp:comment_date>\n\t\t\t<wp:comment_date_gmt><![CDATA[" + wp_time(ct) +
             "]]></wp:comment_date_gmt>\n\t\t\t<wp:comment_content><![CDATA[" +
             tm.text(message_words(rng, false), Markup::Html) +
             "]]></wp:comment_content>\n\t\t\t<wp:comment_approved><![CDATA[1]]></wp:comment_approved>\n"
             "\t\t\t<wp:comment_type><![CDATA[comment]]></wp:comment_type>\n\t\t\t<wp:comment_parent>" +
             std::to_string(parent) + "</wp:comment_parent>\n\t\t\t<wp:comment_user_id>" + std::to_string(who + 1) +
             "</wp:comment_user_id>\n\t\t</wp:comment>\n";
    }
    buf += "\t</item>\n";
    sum.records += 1 + n_comments;
    if (n_comments) ++sum.threads;
    flush(false);
  }
  buf += "</channel>\n</rss>\n";
  flush(true);
  return sum;
}

}  // namespace

GenSummary generate(const GenOptions& options, const std::string& path) {
  if (options.messages == 0) throw std::runtime_error("--messages must be at least 1");
  if (options.format == "slack") return generate_slack(options, path);
  if (options.format == "github") return generate_github(options, path);
  if (options.format == "wxr") return generate_wxr(options, path);
  throw std::runtime_error("unknown format " + options.format + " (slack, github or wxr)");
}

}  // namespace lore::gen
