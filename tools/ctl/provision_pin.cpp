// fieldkiosk-ctl provision: the admin PIN, asked on a terminal without echo (Ctrl-C and kill restore echo),
// or read from standard input (--pin-stdin). The rule for a strong PIN is the kiosk's own (kiosk::pin_weakness).
#include "kiosk/settings/pin.hpp"
#include "tools/ctl/provision_steps.hpp"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <ostream>

namespace fieldkiosk::tools::provision {

namespace {

termios g_saved_termios{};
volatile std::sig_atomic_t g_echo_off = 0;

extern "C" void restore_echo_and_reraise(int sig) {
    if (g_echo_off != 0) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

// Echo off on the terminal for its lifetime; Ctrl-C and kill restore it too.
class NoEcho {
public:
    NoEcho() {
        if (::tcgetattr(STDIN_FILENO, &g_saved_termios) != 0) return;
        termios quiet = g_saved_termios;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        m_old_int = std::signal(SIGINT, restore_echo_and_reraise);
        m_old_term = std::signal(SIGTERM, restore_echo_and_reraise);
        g_echo_off = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0 ? 1 : 0;
    }
    ~NoEcho() {
        if (g_echo_off != 0) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
        g_echo_off = 0;
        std::signal(SIGINT, m_old_int);
        std::signal(SIGTERM, m_old_term);
    }
    NoEcho(const NoEcho&) = delete;
    NoEcho& operator=(const NoEcho&) = delete;

private:
    void (*m_old_int)(int) = SIG_DFL;
    void (*m_old_term)(int) = SIG_DFL;
};

}  // namespace

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The PIN: from `in` (--pin-stdin: one line, and an optional second line that must match), or asked twice on
// the terminal without echo (three tries). An error message (usage) when there is none.
std::expected<std::string, std::string> read_pin(std::istream& in, bool from_stdin, std::ostream& err) {
    if (from_stdin) {
        std::string first, second;
        if (!std::getline(in, first))
            return std::unexpected(std::string("--pin-stdin: standard input is empty; send the PIN on one line"));
        first = trim(first);
        if (std::getline(in, second) && !trim(second).empty() && trim(second) != first)
            return std::unexpected(std::string("--pin-stdin: the two PINs (first and second line) differ"));
        if (auto weak = kiosk::pin_weakness(first)) return std::unexpected("the admin PIN " + *weak + "; choose another");
        return first;
    }
    if (&in != &std::cin || ::isatty(STDIN_FILENO) == 0)
        return std::unexpected(
            std::string("standard input is not a terminal, so the PIN cannot be asked for: give it with --pin-stdin "
                        "(e.g. printf '%s\\n' \"$PIN\" | fieldkiosk-ctl provision --pin-stdin ...)"));
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::string first, second;
        {
            NoEcho quiet;
            err << "Admin PIN for the kiosk's staff screen (" << kiosk::k_pin_min_digits << "-" << kiosk::k_pin_max_digits
                << " digits, not shown): " << std::flush;
            if (!std::getline(in, first)) return std::unexpected(std::string("no PIN given"));
            first = trim(first);
            if (auto weak = kiosk::pin_weakness(first)) {
                err << "That PIN " << *weak << ". Try another.\n";
                continue;
            }
            err << "The same PIN again: " << std::flush;
            if (!std::getline(in, second)) return std::unexpected(std::string("no PIN given"));
        }
        if (trim(second) == first) return first;
        err << "The two PINs differ. Try again.\n";
    }
    return std::unexpected(std::string("no acceptable PIN after three tries"));
}

}  // namespace fieldkiosk::tools::provision
