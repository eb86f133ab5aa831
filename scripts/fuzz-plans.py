# Mutates the shipped plans at random and checks that `maquette verifier` always exits 0, 1 or 2
# (never a crash). Usage: swift build && python3 scripts/fuzz-plans.py [SEED]
import os, random, shutil, subprocess, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = os.path.join(root, "Plans")
bad = 0
for i in range(300):
    d = "/tmp/maquette-fuzz-plans"
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(src, d)
    files = [os.path.join(d, "programme.yaml"), os.path.join(d, "financeurs.yaml")] + [os.path.join(d, "operations", f) for f in os.listdir(os.path.join(d, "operations"))]
    f = random.choice(files)
    t = open(f, encoding="utf-8").read()
    for _ in range(random.randint(1, 4)):
        pos = random.randrange(len(t))
        op = random.random()
        if op < 0.3: t = t[:pos] + t[pos+random.randint(1,5):]
        elif op < 0.6: t = t[:pos] + random.choice(["9", "99999999999999", "-", ":", "[", "{", "%", " ", "\n", "\t", "&a", "*a", ",", "2099-12-31", "0 %", "solde", "'"]) + t[pos:]
        else:
            lines = t.split("\n"); random.shuffle(lines[:random.randint(1, len(lines))]) ; t = "\n".join(lines)
    open(f, "w", encoding="utf-8").write(t)
    r = subprocess.run([os.path.join(root, ".build/debug/maquette"), "verifier", d], capture_output=True, text=True)
    if r.returncode not in (0, 1, 2):
        bad += 1
        shutil.copytree(d, f"/tmp/maquette-crash{bad}")
        print("CRASH", r.returncode, f, r.stderr[-500:])
print("done, crashes:", bad)
