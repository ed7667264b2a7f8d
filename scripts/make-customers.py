"""Writes examples/data/customers.csv and customers_holdout.csv: the messy example (an id column,
two text categories, a few empty fields, semicolons). Fixed seed: the files are committed."""
import math
import random

def rows(rng, n, start):
    out = []
    for i in range(n):
        city = rng.choice(["lyon", "paris", "nantes"])
        plan = rng.choice(["basic", "pro"])
        age = rng.randint(18, 75)
        income = round(rng.gauss(42000 if city == "paris" else 33000, 9000))
        visits = rng.randint(0, 30)
        tenure = round(rng.uniform(0, 10), 1)
        score = -1.2 + 0.9 * (plan == "basic") + 0.6 * (city == "lyon") - 0.12 * visits + 0.03 * (age - 45) - 0.25 * tenure + rng.gauss(0, 0.5)
        churned = "yes" if score > -0.8 else "no"
        fields = [f"C{start + i:04d}", str(age), str(income), city, plan, str(visits), str(tenure), churned]
        out.append(fields)
    return out

rng = random.Random(7)
train = rows(rng, 400, 1)
holdout = rows(rng, 100, 401)
# A few holes, as exported spreadsheets have: income, age and city.
for r, c in [(3, 2), (17, 1), (42, 3), (88, 2), (150, 6), (201, 3), (333, 1)]:
    train[r][c] = ""
for r, c in [(5, 2), (60, 3)]:
    holdout[r][c] = ""
header = "id;age;income;city;plan;visits;tenure;churned"
for name, data in [("customers.csv", train), ("customers_holdout.csv", holdout)]:
    with open(f"examples/data/{name}", "w") as f:
        f.write(header + "\n" + "\n".join(";".join(r) for r in data) + "\n")
