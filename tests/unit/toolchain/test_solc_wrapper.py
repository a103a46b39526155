"""The solc-js wrapper must speak the native command line that py-solc-x and slither use."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOLC = ROOT / "tools" / "solc" / "bin" / "solc"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(SOLC), *args], input=stdin, capture_output=True, text=True, cwd=ROOT, check=False)


def test_version__looks_like_native_solc():
    out = run("--version")
    assert out.returncode == 0
    assert "Version: 0.8.37+commit.f401782d.Linux.g++" in out.stdout


def test_standard_json__compiles_with_imports_from_base_path(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "A.sol").write_text("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0; contract A {}")
    source = '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0; import "lib/A.sol"; contract B is A {}'
    request = {
        "language": "Solidity",
        "sources": {"B.sol": {"content": source}},
        "settings": {"outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}}},
    }
    out = run("--standard-json", "--base-path", str(tmp_path), stdin=json.dumps(request))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert not [e for e in result.get("errors", []) if e["severity"] == "error"]
    assert result["contracts"]["B.sol"]["B"]["evm"]["bytecode"]["object"]


def test_standard_json__large_output_is_not_truncated():
    """Output well above a pipe's 64 KiB must arrive whole (the wrapper writes synchronously)."""
    body = "".join(f"function f{i}() external pure returns (uint256) {{ return {i}; }}\n" for i in range(400))
    request = {
        "language": "Solidity",
        "sources": {
            "Big.sol": {
                "content": f"// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract Big {{\n{body}}}"
            }
        },
        "settings": {"outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}}},
    }
    out = run("--standard-json", stdin=json.dumps(request))
    assert out.returncode == 0
    assert len(out.stdout) > 65536
    assert len(json.loads(out.stdout)["contracts"]["Big.sol"]["Big"]["abi"]) == 400


def test_combined_json__legacy_shape_for_slither(tmp_path):
    src = tmp_path / "C.sol"
    src.write_text("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0; contract C { function f() external {} }")
    out = run("--combined-json", "abi,ast,bin,bin-runtime,srcmap,srcmap-runtime,hashes", str(src))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    entry = result["contracts"][f"{src}:C"]
    assert entry["bin"] and entry["bin-runtime"] and entry["hashes"] == {"f()": "26121ff0"}
    assert result["sources"][str(src)]["AST"]["nodeType"] == "SourceUnit"


def test_compile_error__exits_non_zero(tmp_path):
    src = tmp_path / "Bad.sol"
    src.write_text("pragma solidity ^0.8.0; contract Bad { function }")
    assert run("--combined-json", "abi", str(src)).returncode != 0


def test_unknown_mode__exits_non_zero():
    out = run("--bogus")
    assert out.returncode != 0
    assert "supported modes" in out.stderr
