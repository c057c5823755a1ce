// Term lists (and document data) stored uncompressed.
//
// Xapian's glass backend passes every document's term list through zlib
// (deflate, default level) as the document is added; Xapian 1.4 has no
// setting for it. On short messages that was a sixth of lore-index's time
// (bench/import/README.md), to make the term list table about a quarter
// smaller: a twelfth of the database. Xapian keeps any tag that deflate does
// not shrink as it is, so lore-index asks zlib for level 0 (stored blocks,
// which never shrink anything) and Xapian stores term lists plain. The
// same goes for each document's data, where Lore keeps the stored record
// (schema 6): deflating it cost an import about a seventh of its time when
// it was JSON. The result is an ordinary glass database: every reader, and
// a later writer that does compress, handles both forms side by side.
//
// Linked into lore-index only, where it takes the place of zlib's
// deflateInit2_ for the whole program (the dynamic linker resolves a
// program's own definition first). Nothing else in lore-index deflates:
// archives are only read.
#include <dlfcn.h>
#include <zlib.h>

extern "C" int deflateInit2_(z_streamp strm, int /*level*/, int method, int window_bits, int /*mem_level*/,
                             int strategy, const char* version, int stream_size) {
  using Init = int (*)(z_streamp, int, int, int, int, int, const char*, int);
  static const Init zlib_init = reinterpret_cast<Init>(dlsym(RTLD_NEXT, "deflateInit2_"));
  // Without zlib's own function the caller gets zlib's error for a library
  // it cannot use (Xapian reports it as a DatabaseError).
  if (!zlib_init) return Z_VERSION_ERROR;
  // Level 0 never looks for matches, so the smallest match table will do: a
  // stream is reset, and its table cleared, for every term list.
  return zlib_init(strm, Z_NO_COMPRESSION, method, window_bits, 1, strategy, version, stream_size);
}
