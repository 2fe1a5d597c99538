// wakufleet: deploy and operate fleets of Waku nodes from a declarative spec.
// Exceptions only abort (bugs, impossible states); they are caught here, once.
#include <exception>
#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  try {
    wakufleet::cli::Io io = wakufleet::cli::process_io();
    return wakufleet::cli::run({argv + 1, argv + argc}, io);
  } catch (const std::exception& error) {
    std::cerr << "wakufleet: internal error: " << error.what() << "\n";
    return 1;
  }
}
