"""Print Odoo's addons folders found beside the importable `odoo` package, comma separated.

Used by scripts/test.sh, scripts/demo.sh and the benchmarks; ODOO_ADDONS_PATH overrides it.
"""

import os


def odoo_addons_path():
    if os.environ.get("ODOO_ADDONS_PATH"):
        return os.environ["ODOO_ADDONS_PATH"]
    import odoo

    # Odoo 19 is a namespace package (no __file__); an editable install (pip install -e) adds
    # entries to its __path__ that are not folders
    packages = [path for path in odoo.__path__ if os.path.isdir(path)]
    paths = []
    for package in packages:
        for path in (os.path.join(package, "addons"), os.path.join(package, os.pardir, "addons")):
            path = os.path.realpath(path)
            if os.path.isdir(path) and path not in paths:
                paths.append(path)
    return ",".join(paths)


if __name__ == "__main__":
    print(odoo_addons_path())
