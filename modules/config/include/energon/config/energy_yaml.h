// YAML loading of energy tables and the table folder (<data root>/energy).
#pragma once

#include <string>
#include <vector>

#include "energon/hw/energy_table.h"

namespace energon::hw {

/// Loads a table by name (<tables dir>/<name>.yaml) or a YAML file by path. The tables dir is
/// $ENERGON_ENERGY_TABLES_DIR if set, else <data root>/energy. Default table: "energon-45nm".
EnergyTable load_energy_table(const std::string& name_or_path = "energon-45nm");

/// Parses YAML text; `origin` names the text in error messages.
EnergyTable parse_energy_table(const std::string& yaml_text, const std::string& origin);

/// Directory table names are resolved from.
std::string energy_tables_dir();

/// Names of the tables found in energy_tables_dir(), sorted.
std::vector<std::string> energy_table_names();

}  // namespace energon::hw
