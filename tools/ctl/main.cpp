#include "tools/ctl/commands.hpp"

#include <iostream>

int main(int argc, char** argv) { return fieldkiosk::tools::run_ctl(argc, argv, std::cin, std::cout, std::cerr); }
