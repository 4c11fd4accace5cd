"""Writes the schemathesis config of scripts/api-fuzz/run.sh on stdout.

    config.py CATALOGS.json PRODUCTS.json

CATALOGS.json: the `catalogctl ingest --json` lines of the catalogs the
stack starts with (one of them held for confirmation); PRODUCTS.json: a
`catalogctl search --json` answer. Their ids become dictionaries that half
the generated catalog and product ids are drawn from.
"""

import json
import sys


def toml_list(values):
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def main(catalogs_path, products_path):
    with open(catalogs_path, encoding="utf-8") as f:
        catalogs = [json.loads(line) for line in f if line.strip()]
    with open(products_path, encoding="utf-8") as f:
        products = json.load(f)["hits"]
    catalog_ids = [c["id"] for c in catalogs]
    statuses = sorted({c["status"] for c in catalogs})
    if "needs_confirmation" not in statuses or "done" not in statuses or not products:
        sys.exit(f"config.py: the stack's data is not as planned: statuses {statuses}, {len(products)} products")
    product_ids = [h["product"]["id"] for h in products]
    print(f"""# Written by scripts/api-fuzz/config.py for one run.
[dictionaries.catalog_ids]
values = {toml_list(catalog_ids)}

[dictionaries.product_ids]
values = {toml_list(product_ids)}

[[operations]]
include-path-regex = "^/v1/catalogs/\\\\{{id\\\\}}"
parameters = {{ "path.id" = {{ dictionary = "catalog_ids", probability = 0.5 }} }}

[[operations]]
include-path-regex = "^/v1/products/\\\\{{id\\\\}}"
parameters = {{ "path.id" = {{ dictionary = "product_ids", probability = 0.5 }} }}
""")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
