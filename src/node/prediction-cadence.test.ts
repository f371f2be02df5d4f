import { expect, it } from "vitest";
import { shortScenarioText } from "../exercise/test-scenario.ts";
import { runVirtual } from "../exercise/virtual-run.ts";
import { parseScenario } from "../scenario/load.ts";

it("a threat to a nation's own waters is re-predicted every 4 s; nations it does not concern refresh it every 12 s", async () => {
  // The short SRBM aimed into the Korean EEZ (off Gangneung), far from any US or Japanese zone.
  const text = shortScenarioText("", 200).replace(
    "aim: {lat: 39.45, lon: 129.35}",
    "aim: {lat: 38.3, lon: 129.4}",
  );
  const times = new Map<string, number[]>();
  const result = await runVirtual(parseScenario(text, "short-kor-eez.yaml"), {
    predictionSamples: 50,
    onNodeEvent: (e) => {
      if (e.type !== "prediction") return;
      const list = times.get(e.nation) ?? [];
      list.push(e.t);
      times.set(e.nation, list);
    },
  });
  expect(result.metrics.find((m) => m.nation === "KOR")?.firstWarningS).not.toBeNull();
  const gaps = (nation: string) => {
    const ts = times.get(nation) ?? [];
    return ts.slice(1).map((t, i) => t - ts[i]);
  };
  const kor = gaps("KOR");
  const usa = gaps("USA");
  expect(usa.length).toBeGreaterThan(3);
  expect(Math.min(...usa)).toBeGreaterThanOrEqual(12);
  expect(kor.filter((g) => g === 4).length).toBeGreaterThan(10);
}, 60_000);
