# Every third-party dependency becomes exactly one imported target here, so the
# rest of the build links by target name and never by include path or flag.
#
#   Xapian::Xapian          libxapian-dev (its CMake file exports variables only)
#   RapidJSON::RapidJSON    rapidjson-dev (header-only, variables only)
#   cmark::cmark            libcmark-dev (pkg-config)
#   LibXml2::LibXml2        libxml2-dev (CMake's FindLibXml2)
#   LibArchive::LibArchive  libarchive-dev (CMake's FindLibArchive)
#   EXPAT::EXPAT            libexpat1-dev (CMake's FindEXPAT)
#   Boost::program_options  libboost-program-options-dev
#   PkgConfig::MHD          libmicrohttpd-dev (pkg-config)
#   ZLIB::ZLIB              zlib1g-dev (lore-index's plain term lists)
#   mimalloc                libmimalloc-dev (the programs' allocator: lore_use_mimalloc below)
#   GTest::gtest_main       libgtest-dev (tests only)
#   benchmark::benchmark    libbenchmark-dev (bench only)

find_package(PkgConfig REQUIRED)

find_package(xapian REQUIRED CONFIG)
if(NOT TARGET Xapian::Xapian)
  add_library(Xapian::Xapian INTERFACE IMPORTED)
  target_include_directories(Xapian::Xapian INTERFACE ${XAPIAN_INCLUDE_DIR})
  target_link_libraries(Xapian::Xapian INTERFACE ${XAPIAN_LIBRARIES})
endif()

find_package(RapidJSON REQUIRED CONFIG)
if(NOT TARGET RapidJSON::RapidJSON)
  add_library(RapidJSON::RapidJSON INTERFACE IMPORTED)
  target_include_directories(RapidJSON::RapidJSON INTERFACE ${RAPIDJSON_INCLUDE_DIRS})
endif()

# Debian's cmark CMake package also imports the `cmark` program, which lives in
# a separate package, so the library is taken through pkg-config instead.
pkg_check_modules(CMARK REQUIRED IMPORTED_TARGET libcmark)
add_library(cmark::cmark ALIAS PkgConfig::CMARK)

find_package(LibXml2 REQUIRED)
find_package(LibArchive REQUIRED)
find_package(EXPAT REQUIRED)
find_package(Boost REQUIRED COMPONENTS program_options)
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
find_package(mimalloc REQUIRED CONFIG)

# Xapian allocates and frees a small object for nearly every term, posting
# and block it touches; with glibc's malloc that was a sixth of an import's
# profile and a tenth of a search's. mimalloc, linked first, replaces malloc
# and operator new for the whole program, Xapian included (bench/import,
# bench/query). For programs only: libraries leave the choice to them.
function(lore_use_mimalloc target)
  target_link_libraries(${target} PRIVATE mimalloc)
  target_link_options(${target} PRIVATE -Wl,--no-as-needed)
endfunction()

if(LORE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(LORE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
