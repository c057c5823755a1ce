#include "dates.h"

#include <charconv>

namespace lore {

namespace {

// Days from 1970-01-01 to the given civil date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

int64_t utc_seconds(int year, int month, int day, int hour, int minute, int second) {
  // Normalise month overflow so callers can step months freely.
  int64_t y = year + (month - 1) / 12;
  int m = (month - 1) % 12;
  if (m < 0) m += 12, --y;
  return days_from_civil(y, m + 1, 1) * 86400 + int64_t(day - 1) * 86400 + hour * 3600 + minute * 60 + second;
}

std::optional<int64_t> parse_iso8601(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  size_t p = 10;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return std::nullopt;
    ++p;
    if (!digits(s, p, 2, h) || p + 2 >= s.size() || s[p + 2] != ':' || !digits(s, p + 3, 2, mi))
      return std::nullopt;
    p += 5;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, se)) return std::nullopt;
      p += 3;
    }
    if (h > 23 || mi > 59 || se > 60) return std::nullopt;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    }
  }
  int64_t t = utc_seconds(y, mo, d, h, mi, se);
  if (p < s.size()) {
    char c = s[p];
    if ((c == 'Z' || c == 'z') && p + 1 == s.size()) return t;
    if (c != '+' && c != '-') return std::nullopt;
    int oh, om = 0;
    if (!digits(s, p + 1, 2, oh)) return std::nullopt;
    size_t q = p + 3;
    if (q < s.size() && s[q] == ':') ++q;
    if (q < s.size() && !digits(s, q, 2, om)) return std::nullopt;
    if (q < s.size()) q += 2;
    if (q != s.size()) return std::nullopt;
    int64_t off = oh * 3600 + om * 60;
    t += (c == '+') ? -off : off;
  }
  return t;
}

std::string format_iso8601(int64_t t) {
  if (t == 0) return {};
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  // civil_from_days (Howard Hinnant)
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  if (y < 0 || y > 9999) {  // not the usual four digits: printf's way
    char buf[64];
    snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
             static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
             static_cast<long long>(secs % 60));
    return buf;
  }
  // Every record's date is formatted several times on import: by hand, not snprintf.
  std::string out = "0000-00-00T00:00:00Z";
  auto put = [&](size_t at, unsigned v, int digits) {
    for (int i = digits - 1; i >= 0; --i, v /= 10) out[at + i] = static_cast<char>('0' + v % 10);
  };
  put(0, static_cast<unsigned>(y), 4);
  put(5, m, 2);
  put(8, d, 2);
  put(11, static_cast<unsigned>(secs / 3600), 2);
  put(14, static_cast<unsigned>(secs / 60 % 60), 2);
  put(17, static_cast<unsigned>(secs % 60), 2);
  return out;
}

std::optional<int64_t> parse_epoch_seconds(std::string_view s) {
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (whole.empty()) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), v);
  if (ec != std::errc() || ptr != whole.data() + whole.size()) return std::nullopt;
  if (dot != std::string_view::npos)
    for (char c : s.substr(dot + 1))
      if (c < '0' || c > '9') return std::nullopt;
  return v;
}

}  // namespace lore
