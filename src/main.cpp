// faultline: the incident process on Jira, Confluence and chat. All the code is in the core
// library; main only wires the real world into a Context.
#include "faultline/cli/main_context.hpp"

int main(int argc, char** argv) { return faultline::cli::run_main(argc, argv); }
