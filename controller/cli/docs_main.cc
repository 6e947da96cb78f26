// radctl-docs: prints the manual's generated pages, so that they are made from the same tables
// as the program (hack/docs.sh writes them; unit tests fail when the committed pages differ).
//   radctl-docs commands   docs/commands.md, from the verb table
//   radctl-docs spec       docs/spec.md, from the spec's field table
#include <iostream>
#include <string>

#include "controller/cli/help_text.h"
#include "crd-like-specs/spec_fields.h"

int main(int argc, char** argv) {
  const std::string page = argc == 2 ? argv[1] : "";
  if (page == "commands") {
    std::cout << radctl::cli::CommandReferenceMarkdown();
  } else if (page == "spec") {
    std::cout << radctl::SpecReferenceMarkdown();
  } else {
    std::cerr << "usage: radctl-docs commands|spec\n";
    return 2;
  }
  return 0;
}
