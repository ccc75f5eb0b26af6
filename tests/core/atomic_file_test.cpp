#include "core/atomic_file.hpp"

#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace fieldkiosk::core {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

bool only_visible_files(const fs::path& folder) {  // no hidden temporary ".NAME.XXXXXX" left behind
    for (const auto& e : fs::directory_iterator(folder))
        if (e.path().filename().string().starts_with(".")) return false;
    return true;
}

TEST(WriteFileAtomically, CreatesFoldersAndTheFileWithExactlyTheTextAndMode) {
    testing::TempDir dir;
    const fs::path target = dir.path() / "a" / "b" / "token";
    ASSERT_TRUE(write_file_atomically(target, "secret\n", {.mode = 0600}).has_value());
    EXPECT_EQ(read(target), "secret\n");
    EXPECT_EQ(mode_of(target), 0600u);
    EXPECT_TRUE(only_visible_files(target.parent_path()));
}

TEST(WriteFileAtomically, ReplacesAndKeepsTheOldFileAsBakOnlyWhenAsked) {
    testing::TempDir dir;
    const fs::path target = dir.write("s.toml", "old");
    ASSERT_TRUE(write_file_atomically(target, "new", {.mode = 0640, .keep_backup = true}).has_value());
    EXPECT_EQ(read(target), "new");
    EXPECT_EQ(mode_of(target), 0640u);
    EXPECT_EQ(read(target.string() + ".bak"), "old");
    ASSERT_TRUE(write_file_atomically(target, "newer").has_value());
    EXPECT_EQ(read(target), "newer");
    EXPECT_EQ(read(target.string() + ".bak"), "old");  // not asked this time: untouched
    EXPECT_TRUE(only_visible_files(dir.path()));
}

TEST(WriteFileAtomically, EmptyTextGivesAnEmptyFile) {
    testing::TempDir dir;
    const fs::path target = dir.write("x.json", "something");
    ASSERT_TRUE(write_file_atomically(target, "").has_value());
    EXPECT_TRUE(fs::exists(target));
    EXPECT_EQ(read(target), "");
}

TEST(WriteFileAtomically, FailsWithAMessageAndLeavesNothingWhenTheFolderCannotBeMade) {
    testing::TempDir dir;
    const fs::path blocker = dir.write("plain-file", "x");  // a file where a folder should be
    const auto w = write_file_atomically(blocker / "sub" / "f.json", "text");
    ASSERT_FALSE(w.has_value());
    EXPECT_NE(w.error().message.find(blocker.string()), std::string::npos) << w.error().message;
    EXPECT_NE(w.error().error_number, 0);
    EXPECT_EQ(read(blocker), "x");
    EXPECT_TRUE(only_visible_files(dir.path()));
}

}  // namespace
}  // namespace fieldkiosk::core
