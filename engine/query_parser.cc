#include "query_parser.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <vector>

#include "dates.h"
#include "errors.h"
#include "schema.h"

namespace lore {

int64_t clock_now() {
  if (const char* env = std::getenv("LORE_NOW"); env && *env)
    if (auto t = parse_iso8601(env)) return *t;
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// How much a free-text word found in a title adds, relative to its weight in
// the text, when all the words are in the title (bench/ranking: 0.9183 ->
// 0.9205 MRR with 2-word queries, 3-word queries unchanged; a boost of 2, or
// any of the words in the title, does no better).
constexpr double kTitleBoost = 1.0;

enum class Tok { Word, Phrase, Filter, LParen, RParen, And, Or, Not, Minus, End };

struct Token {
  Tok type;
  std::string text;   // word, phrase body, or filter value
  std::string name;   // filter name
  bool quoted = false;  // filter value was "quoted"
  size_t column;      // 1-based
};

[[noreturn]] void fail(const std::string& message, size_t column, const std::string& hint = {}) {
  throw Error(Error::Code::Query, "cannot parse query: " + message + " at column " + std::to_string(column), hint);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Filter names the language knows, beyond the schema's own names.
bool known_filter(std::string_view name) {
  static const char* extra[] = {"on", "during", "after", "before"};
  for (auto e : extra)
    if (name == e) return true;
  return field_by_name(name) != nullptr;
}

std::string filter_list() {
  std::string out;
  for (const auto& f : kFields) {
    if (f.flags & kInternal || f.id == Field::Text) continue;
    out += (out.empty() ? "" : " ") + std::string(f.name) + ":";
    for (auto a : f.aliases)
      if (!a.empty()) out += " " + std::string(a) + ":";
  }
  return out + " on: during:";
}

std::vector<Token> tokenize(std::string_view q) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < q.size()) {
    if (is_space(q[i])) {
      ++i;
      continue;
    }
    size_t col = i + 1;
    char c = q[i];
    if (c == '(') {
      out.push_back({Tok::LParen, "(", "", false, col});
      ++i;
      continue;
    }
    if (c == ')') {
      out.push_back({Tok::RParen, ")", "", false, col});
      ++i;
      continue;
    }
    if (c == '"') {
      size_t end = q.find('"', i + 1);
      if (end == std::string_view::npos) fail("unterminated \"phrase\"", col, "close the quote or remove it");
      out.push_back({Tok::Phrase, std::string(q.substr(i + 1, end - i - 1)), "", true, col});
      i = end + 1;
      continue;
    }
    if (c == '-' && i + 1 < q.size() && !is_space(q[i + 1]) && q[i + 1] != ')' &&
        (out.empty() || out.back().type != Tok::Word || i == 0 || is_space(q[i - 1]) || q[i - 1] == '(')) {
      out.push_back({Tok::Minus, "-", "", false, col});
      ++i;
      continue;
    }
    // A word runs to whitespace, a parenthesis or a quote.
    size_t j = i;
    while (j < q.size() && !is_space(q[j]) && q[j] != '(' && q[j] != ')' && q[j] != '"') ++j;
    std::string word(q.substr(i, j - i));
    // name:value, when name is all letters and the value does not start with "//" (a URL).
    size_t colon = word.find(':');
    bool letters = colon != std::string::npos && colon > 0 &&
                   std::all_of(word.begin(), word.begin() + colon, [](char ch) {
                     return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
                   });
    if (letters && word.compare(colon + 1, 2, "//") != 0) {
      std::string name = lowercase(std::string_view(word).substr(0, colon));
      if (!known_filter(name))
        fail("unknown filter \"" + name + ":\"", col, "filters: " + filter_list());
      Token t{Tok::Filter, word.substr(colon + 1), name, false, col};
      if (t.text.empty() && j < q.size() && q[j] == '"') {
        size_t end = q.find('"', j + 1);
        if (end == std::string_view::npos) fail("unterminated \"phrase\"", j + 1, "close the quote or remove it");
        t.text = std::string(q.substr(j + 1, end - j - 1));
        t.quoted = true;
        j = end + 1;
      }
      if (t.text.empty()) fail("filter \"" + name + ":\" has no value", col, "e.g. " + name + ":something");
      out.push_back(std::move(t));
      i = j;
      continue;
    }
    if (word == "AND")
      out.push_back({Tok::And, word, "", false, col});
    else if (word == "OR")
      out.push_back({Tok::Or, word, "", false, col});
    else if (word == "NOT")
      out.push_back({Tok::Not, word, "", false, col});
    else
      out.push_back({Tok::Word, word, "", false, col});
    i = j;
  }
  out.push_back({Tok::End, "", "", false, q.size() + 1});
  return out;
}

// One node of the parse: a query with its s-expression, and whether it is a
// pure filter (no free text, so it restricts but does not score).
struct Node {
  Xapian::Query query;
  std::string tree;
  bool filter = false;
  std::string group;  // filters of the same group are ORed
  std::vector<std::string> words;  // terms every match must hold (ParsedQuery::and_terms)
  bool empty() const { return query.empty(); }
};

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A calendar period [start, end).
struct Period {
  int64_t start, end;
};

class Parser {
 public:
  Parser(std::vector<Token> toks, const Xapian::Database& db, int64_t now, bool suggest)
      : toks_(std::move(toks)), now_(now), db_(db), suggest_(suggest) {
    qp_.set_database(db);
    qp_.set_stemmer(default_stemmer());
    qp_.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp_.set_default_op(Xapian::Query::OP_AND);
    qp_.set_max_expansion(500, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  }

  ParsedQuery run() {
    if (toks_.front().type == Tok::End) return {match_all(), "(all)", false, {}, {}};
    Node n = parse_or();
    if (peek().type == Tok::RParen) fail("unbalanced \")\"", peek().column, "remove it or add a \"(\" before");
    if (peek().type != Tok::End) fail("unexpected \"" + peek().text + "\"", peek().column);
    ParsedQuery out;
    out.tree = n.tree;
    out.has_text = has_text_;
    out.and_terms = std::move(n.words);
    if (n.filter)
      out.query = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, n.query, 0.0);
    else
      out.query = n.query;
    if (out.query.empty()) out.query = Xapian::Query::MatchNothing;
    return out;
  }

 private:
  const Token& peek() const { return toks_[pos_]; }
  const Token& next() { return toks_[pos_++]; }

  Node parse_or() {
    Node left = parse_and();
    while (peek().type == Tok::Or) {
      size_t col = next().column;
      if (starts_operand(peek().type) == false) fail("\"OR\" needs something after it", col);
      Node right = parse_and();
      left = combine_or(std::move(left), std::move(right));
    }
    return left;
  }

  static bool starts_operand(Tok t) {
    return t == Tok::Word || t == Tok::Phrase || t == Tok::Filter || t == Tok::LParen || t == Tok::Not ||
           t == Tok::Minus;
  }

  Node combine_or(Node a, Node b) {
    Node n;
    n.filter = a.filter && b.filter;
    n.tree = "(or " + a.tree + " " + b.tree + ")";
    auto scored = [](const Node& x) {
      // A filter ORed with text must not outscore the text.
      return x.filter ? Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, x.query, 0.0) : x.query;
    };
    n.query = n.filter ? Xapian::Query(Xapian::Query::OP_OR, a.query, b.query)
                       : Xapian::Query(Xapian::Query::OP_OR, scored(a), scored(b));
    return n;
  }

  // A sequence joined by AND (explicit or implied): free text ANDed, filters
  // grouped, negations subtracted.
  Node parse_and() {
    std::vector<Node> positive, negative;
    std::vector<Node> filters;
    bool first = true;
    for (;;) {
      const Token& t = peek();
      if (t.type == Tok::And) {
        if (first) fail("\"AND\" needs something before it", t.column);
        next();
        if (!starts_operand(peek().type)) fail("\"AND\" needs something after it", t.column);
        continue;
      }
      if (!starts_operand(t.type)) {
        if (first) {
          if (t.type == Tok::End) fail("the query ends where a word was expected", t.column);
          if (t.type == Tok::RParen) fail("empty parentheses or unbalanced \")\"", t.column);
          fail("\"" + t.text + "\" needs something before it", t.column);
        }
        break;
      }
      first = false;
      bool negated = false;
      while (peek().type == Tok::Not || peek().type == Tok::Minus) {
        size_t col = next().column;
        negated = !negated;
        if (!starts_operand(peek().type)) fail("\"NOT\" or \"-\" needs something after it", col);
      }
      Node n = parse_primary();
      if (n.empty() && n.tree.empty()) continue;  // a word with nothing indexable in it
      if (negated)
        negative.push_back(std::move(n));
      else if (n.filter && !n.group.empty())
        filters.push_back(std::move(n));
      else if (n.filter)
        filters.push_back(std::move(n));
      else
        positive.push_back(std::move(n));
    }
    return assemble(std::move(positive), std::move(filters), std::move(negative));
  }

  Node assemble(std::vector<Node> positive, std::vector<Node> filters, std::vector<Node> negative) {
    // Group filters: same group ORed, groups ANDed.
    std::vector<std::pair<std::string, std::vector<Node>>> groups;
    for (auto& f : filters) {
      std::string g = f.group.empty() ? "#" + std::to_string(groups.size()) : f.group;
      auto it = std::find_if(groups.begin(), groups.end(), [&](auto& p) { return p.first == g; });
      if (it == groups.end())
        groups.push_back({g, {std::move(f)}});
      else
        it->second.push_back(std::move(f));
    }
    std::vector<Xapian::Query> group_queries;
    std::string filter_tree;
    for (auto& [g, nodes] : groups) {
      std::vector<Xapian::Query> qs;
      std::string t;
      for (auto& n : nodes) {
        qs.push_back(n.query);
        t += (t.empty() ? "" : " ") + n.tree;
      }
      group_queries.push_back(qs.size() == 1 ? qs[0] : Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end()));
      filter_tree += (filter_tree.empty() ? "" : " ") + (nodes.size() == 1 ? t : "(or " + t + ")");
    }
    Node out;
    std::string tree;
    std::vector<Xapian::Query> pos;
    for (auto& p : positive) {
      pos.push_back(p.query);
      out.words.insert(out.words.end(), p.words.begin(), p.words.end());
      tree += (tree.empty() ? "" : " ") + p.tree;
    }
    std::optional<Xapian::Query> filter;
    if (!group_queries.empty())
      filter = group_queries.size() == 1 ? group_queries[0]
                                         : Xapian::Query(Xapian::Query::OP_AND, group_queries.begin(),
                                                         group_queries.end());
    if (!pos.empty()) {
      out.query = pos.size() == 1 ? pos[0] : Xapian::Query(Xapian::Query::OP_AND, pos.begin(), pos.end());
      if (filter) {
        out.query = Xapian::Query(Xapian::Query::OP_FILTER, out.query, *filter);
        tree += " (filter " + filter_tree + ")";
      }
    } else if (filter) {
      out.query = *filter;
      out.filter = true;
      tree = groups.size() == 1 && groups[0].second.size() == 1 ? filter_tree : "(filter " + filter_tree + ")";
      if (groups.size() == 1) out.group = groups[0].first;
    } else {
      // Only negations: everything but them.
      out.query = match_all();
      out.filter = true;
      tree = "(all)";
    }
    if (!negative.empty()) {
      std::vector<Xapian::Query> neg;
      for (auto& n : negative) {
        neg.push_back(n.query);
        tree += " (not " + n.tree + ")";
      }
      out.query = Xapian::Query(Xapian::Query::OP_AND_NOT, out.query,
                                neg.size() == 1 ? neg[0] : Xapian::Query(Xapian::Query::OP_OR, neg.begin(), neg.end()));
      out.group.clear();
    }
    size_t parts = positive.size() + (filter ? 1 : 0) + negative.size();
    out.tree = parts > 1 || (!negative.empty()) ? "(and " + tree + ")" : tree;
    return out;
  }

  Node parse_primary() {
    const Token& t = next();
    switch (t.type) {
      case Tok::LParen: {
        if (peek().type == Tok::RParen) fail("empty parentheses", t.column);
        Node inner = parse_or();
        if (peek().type != Tok::RParen) fail("unbalanced \"(\"", t.column, "add a \")\" or remove the \"(\"");
        next();
        return inner;
      }
      case Tok::Word: {
        // A run of plain words is parsed at once (multi-word synonyms).
        std::string run = t.text;
        suggest_word(t);
        while (peek().type == Tok::Word) {
          suggest_word(peek());
          run += " " + next().text;
        }
        return text(run, false, t.column);
      }
      case Tok::Phrase:
        return text(t.text, true, t.column);
      case Tok::Filter:
        return filter(t);
      default:
        fail("unexpected \"" + t.text + "\"", t.column);
    }
  }

  // Notes a spelling correction for a plain word no public document holds.
  void suggest_word(const Token& t) {
    if (!suggest_) return;
    auto words = name_words(t.text);
    if (words.size() != 1) return;  // punctuation, wildcards, several words: left as typed
    const std::string& w = words[0];
    if (w.size() < 3 || w.size() > 40 || lowercase(t.text) != w) return;
    if (w.find_first_of("0123456789") != std::string::npos) return;
    auto it = db_.spellings_begin();
    it.skip_to(w);
    if (it != db_.spellings_end() && *it == w) return;  // a known word
    // Short words have many neighbours at distance 2; allow one edit only.
    std::string s = db_.get_spelling_suggestion(w, w.size() <= 4 ? 1 : 2);
    if (s.empty() || s == w) return;
    corrections_.push_back({t.column - 1, t.text.size(), s});
  }

 public:
  struct Correction {
    size_t start, length;
    std::string word;
  };
  const std::vector<Correction>& corrections() const { return corrections_; }

 private:
  Node text(const std::string& s, bool phrase, size_t col, const std::string& prefix = {}) {
    unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_CJK_NGRAM;
    if (!phrase)
      flags |= Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_AUTO_SYNONYMS |
               Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS;
    // Lowercased so that DEPLOY is stemmed like deploy: Xapian leaves
    // capitalised words unstemmed, which makes a search case-sensitive.
    std::string lower = lowercase(s);
    std::string input = phrase ? "\"" + lower + "\"" : lower;
    Node n;
    try {
      n.query = qp_.parse_query(input, flags, prefix);
    } catch (const Xapian::QueryParserError& e) {
      fail("\"" + s + "\": " + e.get_msg(), col);
    }
    if (n.query.empty()) return n;  // punctuation only: nothing to search for
    n.words.assign(n.query.get_terms_begin(), n.query.get_terms_end());
    if (prefix.empty()) {
      // Words that are also in a title add its weight: the match set stays
      // the same, a post or issue named after the words rises. (Titles are
      // indexed under their own prefix as well as in the text.)
      Xapian::Query in_title;
      try {
        in_title = qp_.parse_query(input, flags & ~unsigned(Xapian::QueryParser::FLAG_AUTO_SYNONYMS |
                                                          Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS),
                                   std::string(field(Field::Title).prefix));
      } catch (const Xapian::QueryParserError&) {
      }
      if (!in_title.empty())
        n.query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, n.query,
                                Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, in_title, kTitleBoost));
    }
    has_text_ = true;
    n.tree = prefix.empty() ? (phrase ? "(phrase " + quote(s) + ")" : "(text " + quote(s) + ")")
                            : "(title " + quote(s) + ")";
    return n;
  }

  Node boolean(Field f, const std::string& value, const std::string& label, std::string group = {}) {
    Node n;
    n.query = filter_query(term(f, value), filter_terms_);
    n.filter = true;
    n.tree = "(" + label + " " + quote(value) + ")";
    n.group = group.empty() ? label : group;
    return n;
  }

  Node any_of(std::vector<Xapian::Query> qs, const std::string& label, const std::string& value,
              const std::string& group) {
    Node n;
    n.query = qs.size() == 1 ? qs[0] : Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end());
    n.filter = true;
    n.tree = "(" + label + " " + quote(value) + ")";
    n.group = group;
    return n;
  }

  Node filter(const Token& t) {
    const std::string& name = t.name;
    std::string v = t.text;
    if (name == "from" || name == "author") {
      if (!v.empty() && v.front() == '@') v.erase(0, 1);
      // Every author with all of the name's words (schema.h, the directory).
      std::vector<std::string> keys;
      bool first = true;
      for (const auto& w : who_words(v)) {
        std::vector<std::string> these = listed(std::string(kWhoKey) + w);
        if (first) {
          keys = std::move(these);
          first = false;
        } else {
          std::vector<std::string> both;
          std::set_intersection(keys.begin(), keys.end(), these.begin(), these.end(), std::back_inserter(both));
          keys = std::move(both);
        }
      }
      std::vector<Xapian::Query> qs;
      for (const auto& k : keys) qs.emplace_back(term(Field::Author, k));
      if (qs.empty()) qs.push_back(Xapian::Query::MatchNothing);
      return any_of(std::move(qs), "from", v, "from");
    }
    if (name == "in" || name == "space") {
      if (!v.empty() && v.front() == '#') v.erase(0, 1);
      if (v.empty()) fail("in: needs a channel, repository or site", t.column);
      // The space of that name and those that go by it (the space directory).
      std::vector<Xapian::Query> qs{filter_query(term(Field::Space, v), filter_terms_)};
      if (const std::string name = lowercase(v); name.size() <= kMaxWhoWord)
        for (const auto& space : listed(std::string(kInKey) + name))
          if (space != name) qs.push_back(filter_query(term(Field::Space, space), filter_terms_));
      return any_of(std::move(qs), "in", v, "in");
    }
    if (name == "source") return kinds_of(kind_terms_of(v, {}), "source", v);
    if (name == "type" || name == "kind") {
      const std::string kind = canonical_kind(v);
      return kinds_of(kind_terms_of({}, kind), "type", kind);
    }
    if (name == "tag" || name == "label") return boolean(Field::Tag, v, "tag");
    if (name == "thread") return any_of({thread_query(v)}, "thread", v, "thread");
    if (name == "id") return boolean(Field::Id, v, "id");
    if (name == "mentions") {
      if (!v.empty() && v.front() == '@') v.erase(0, 1);
      std::vector<Xapian::Query> qs{Xapian::Query(term(Field::Mention, v))};
      auto words = name_words(v);
      if (words.size() > 1) {
        std::vector<Xapian::Query> ws;
        for (auto& w : words) ws.emplace_back(term(Field::Mention, w));
        qs.push_back(Xapian::Query(Xapian::Query::OP_AND, ws.begin(), ws.end()));
      }
      return any_of(std::move(qs), "mentions", v, "mentions");
    }
    if (name == "has") {
      std::string f = lowercase(v);
      static const char* features[] = {"link", "file", "image", "code", "reaction"};
      if (std::find(std::begin(features), std::end(features), f) == std::end(features))
        fail("unknown has: value \"" + v + "\"", t.column, "has: takes link, file, image, code or reaction");
      return boolean(Field::Has, f, "has");
    }
    if (name == "is") return is_filter(v, t.column);
    if (name == "title") {
      Node n = text(v, t.quoted, t.column, std::string(field(Field::Title).prefix));
      if (n.empty()) fail("title: has no words to search for", t.column);
      return n;
    }
    if (name == "after" || name == "before" || name == "on" || name == "during" || name == "date")
      return date_filter(name, v, t.column);
    fail("unknown filter \"" + name + ":\"", t.column, "filters: " + filter_list());
  }

  Node is_filter(const std::string& value, size_t col) {
    std::string v = lowercase(value);
    static const char* flags[] = {"private", "bot", "edited", "thread", "reply"};
    static const char* states[] = {"open", "closed", "merged", "resolved", "unresolved"};
    if (std::find(std::begin(flags), std::end(flags), v) != std::end(flags))
      return boolean(Field::Flag, v, "is", "is:" + v);
    if (std::find(std::begin(states), std::end(states), v) != std::end(states))
      return boolean(Field::State, v, "state");
    std::string kind = canonical_kind(v);
    const auto& kinds = known_kinds();
    std::vector<std::string> terms = kind_terms_of({}, kind);
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end() || !terms.empty())
      return kinds_of(std::move(terms), "type", kind);
    fail("unknown is: value \"" + value + "\"", col,
         "is: takes a kind (issue, pr, message, post, ...), a state (open, closed, merged, resolved, "
         "unresolved) or private, bot, edited, thread, reply");
  }

  // The keys listed under a directory's key (schema.h: the author and space
  // directories).
  std::vector<std::string> listed(const std::string& key) const {
    const std::string entry = db_.get_metadata(key);
    std::vector<std::string> out;
    for (std::string_view line : directory_lines(entry)) out.emplace_back(line);
    return out;
  }

  // The kind terms (XK:<source>:<kind>) the index holds of source `source`
  // and kind `kind`, each when given.
  std::vector<std::string> kind_terms_of(std::optional<std::string> source, std::optional<std::string> kind) {
    if (!kind_terms_) {
      kind_terms_.emplace();
      const std::string prefix(field(Field::Kind).prefix);
      for (auto t = db_.allterms_begin(prefix); t != db_.allterms_end(prefix); ++t) kind_terms_->push_back(*t);
    }
    // The query's words written as the terms write them.
    const std::string by_source = kind_term(source.value_or(""), ""), by_kind = kind_term("", kind.value_or(""));
    const std::string_view s = split_kind_term(by_source).first, k = split_kind_term(by_kind).second;
    std::vector<std::string> out;
    for (const auto& t : *kind_terms_) {
      const auto [ts, tk] = split_kind_term(t);
      if ((!source || ts == s) && (!kind || tk == k)) out.push_back(t);
    }
    return out;
  }

  // The documents of any of `terms` (kind_terms_of()): a source or a kind
  // alone is all the kind terms that name it; none, no document.
  Node kinds_of(const std::vector<std::string>& terms, const std::string& label, const std::string& value) {
    std::vector<Xapian::Query> qs;
    for (const auto& t : terms) qs.push_back(filter_query(t, filter_terms_));
    if (qs.empty()) qs.push_back(Xapian::Query::MatchNothing);
    return any_of(std::move(qs), label, value, label);
  }

  // The calendar period a date word names.
  Period period(const std::string& s, size_t col, const std::string& filter_name) {
    auto day_of = [](int64_t t) { return t >= 0 ? t / 86400 * 86400 : (t - 86399) / 86400 * 86400; };
    std::string v = lowercase(s);
    if (v == "today") return {day_of(now_), day_of(now_) + 86400};
    if (v == "yesterday") return {day_of(now_) - 86400, day_of(now_)};
    if (v.size() >= 2 && std::all_of(v.begin(), v.end() - 1, [](char c) { return c >= '0' && c <= '9'; })) {
      char unit = v.back();
      long n = std::strtol(v.c_str(), nullptr, 10);
      if (n > 100000) fail("date \"" + s + "\" is too far back", col);
      std::string iso = format_iso8601(now_ ? now_ : 1);
      int y = std::stoi(iso.substr(0, 4)), m = std::stoi(iso.substr(5, 2)), d = std::stoi(iso.substr(8, 2));
      int64_t start = -1;
      if (unit == 'd') start = day_of(now_) - n * 86400;
      if (unit == 'w') start = day_of(now_) - n * 7 * 86400;
      if (unit == 'm') start = utc_seconds(y, m - static_cast<int>(n), d);
      if (unit == 'y') start = utc_seconds(y - static_cast<int>(n), m, d);
      if (start != -1) return {start, start + 86400};
    }
    int y = 0, m = 0, d = 0;
    auto num = [&](size_t pos, size_t len, int& out) {
      if (pos + len > v.size()) return false;
      out = 0;
      for (size_t i = pos; i < pos + len; ++i) {
        if (v[i] < '0' || v[i] > '9') return false;
        out = out * 10 + (v[i] - '0');
      }
      return true;
    };
    if (v.size() == 4 && num(0, 4, y)) return {utc_seconds(y, 1, 1), utc_seconds(y + 1, 1, 1)};
    if (v.size() == 7 && num(0, 4, y) && v[4] == '-' && num(5, 2, m) && m >= 1 && m <= 12)
      return {utc_seconds(y, m, 1), utc_seconds(y, m + 1, 1)};
    if (v.size() == 10 && num(0, 4, y) && v[4] == '-' && num(5, 2, m) && v[7] == '-' && num(8, 2, d) && m >= 1 &&
        m <= 12 && d >= 1 && d <= 31) {
      int64_t start = utc_seconds(y, m, d);
      // Reject dates that do not exist (2021-02-30).
      if (format_iso8601(start ? start : 1).substr(0, 10) != v && start != 0)
        fail("no such date \"" + s + "\" in " + filter_name + ":", col);
      return {start, start + 86400};
    }
    fail("cannot read date \"" + s + "\" in " + filter_name + ":", col,
         "dates are YYYY-MM-DD, YYYY-MM, YYYY, today, yesterday, or 7d/2w/3m/1y ago");
  }

  Node range(std::optional<int64_t> lo, std::optional<int64_t> hi, const std::string& tree,
             const std::string& group) {
    Node n;
    n.filter = true;
    n.tree = tree;
    n.group = group;
    n.query = date_query(db_, lo, hi, date_filter_);
    return n;
  }

  Node date_filter(const std::string& name, const std::string& v, size_t col) {
    auto iso = [](int64_t t) { return format_iso8601(t ? t : 1); };
    if (name == "after") {
      Period p = period(v, col, name);
      return range(p.end, std::nullopt, "(date >= " + iso(p.end) + ")", "after");
    }
    if (name == "before") {
      Period p = period(v, col, name);
      return range(std::nullopt, p.start - 1, "(date < " + iso(p.start) + ")", "before");
    }
    if (name == "on" || name == "during") {
      Period p = period(v, col, name);
      return range(p.start, p.end - 1, "(date " + iso(p.start) + " .. " + iso(p.end) + ")", name);
    }
    // date:D, date:D1..D2, date:D1.., date:..D2
    size_t dots = v.find("..");
    if (dots == std::string::npos) {
      Period p = period(v, col, name);
      return range(p.start, p.end - 1, "(date " + iso(p.start) + " .. " + iso(p.end) + ")", "date");
    }
    std::string a = v.substr(0, dots), b = v.substr(dots + 2);
    if (a.empty() && b.empty()) fail("date: needs at least one end of the range", col, "e.g. date:2020..2021-06");
    std::optional<int64_t> lo, hi;
    if (!a.empty()) lo = period(a, col, name).start;
    if (!b.empty()) hi = period(b, col, name).end - 1;
    return range(lo, hi,
                 "(date " + (lo ? iso(*lo) : std::string("*")) + " .. " + (hi ? iso(*hi + 1) : std::string("*")) + ")",
                 "date");
  }

 public:
  FilterTerms filter_terms_;
  DateFilter date_filter_;

 private:
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int64_t now_;
  bool has_text_ = false;
  Xapian::Database db_;
  std::optional<std::vector<std::string>> kind_terms_;  // read on first use
  bool suggest_;
  std::vector<Correction> corrections_;
  Xapian::QueryParser qp_;
};

}  // namespace

QueryParser::QueryParser(const Xapian::Database& db, int64_t now, FilterTerms filter_terms, DateFilter date_filter)
    : db_(db), now_(now), filter_terms_(std::move(filter_terms)), date_filter_(std::move(date_filter)) {}

ParsedQuery QueryParser::parse(std::string_view query, bool suggest) const {
  if (query.size() > kMaxQueryBytes)
    throw Error(Error::Code::Query, "query is longer than " + std::to_string(kMaxQueryBytes) + " bytes",
                "shorten the query");
  Parser p(tokenize(query), db_, now_, suggest);
  p.filter_terms_ = filter_terms_;
  p.date_filter_ = date_filter_;
  ParsedQuery out = p.run();
  if (!p.corrections().empty()) {
    // Splice the corrections into the query as typed, so that its filters,
    // operators and spacing stay exactly as they were.
    size_t at = 0;
    for (const auto& c : p.corrections()) {
      out.corrected.append(query.substr(at, c.start - at));
      out.corrected += c.word;
      at = c.start + c.length;
    }
    out.corrected.append(query.substr(at));
  }
  return out;
}

}  // namespace lore
