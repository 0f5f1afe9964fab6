"""Print Odoo's addons folders found beside the importable `odoo` package, comma separated.

Used by scripts/test.sh, scripts/demo.sh and the benchmarks; ODOO_ADDONS_PATH overrides it.
"""

import os


def odoo_addons_path():
    if os.environ.get("ODOO_ADDONS_PATH"):
        return os.environ["ODOO_ADDONS_PATH"]
    import odoo

    package = next(iter(odoo.__path__))  # Odoo 19: a namespace package, no __file__
    paths = [os.path.join(package, "addons"), os.path.join(os.path.dirname(package), "addons")]
    return ",".join(path for path in paths if os.path.isdir(path))


if __name__ == "__main__":
    print(odoo_addons_path())
