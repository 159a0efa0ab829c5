// The world map's geometry, projected once at build time: Natural Earth's
// countries (the world-atlas package) in the Equal Earth projection (d3-geo),
// written as SVG path data keyed by ISO 3166-1 numeric code. The app draws
// the map itself from this file (ovote/web/world_map.py): no map tiles, no
// script in the page, nothing from the network.
//
// The 1:110m countries are the shapes; a country too small for that scale
// (Singapore, Malta, Bahrain...) is taken from the 1:50m set and drawn as a dot
// at its centroid, so that every country with a consulate or voters has a place.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { geoEqualEarth, geoPath, geoCentroid } from "d3-geo";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const WIDTH = 960;
const ANTARCTICA = "010";

function countries(file) {
  const topology = JSON.parse(readFileSync(require.resolve(`world-atlas/${file}`), "utf8"));
  return feature(topology, topology.objects.countries).features
    .filter((f) => f.id !== undefined && f.id !== ANTARCTICA);
}

export function buildWorld(target) {
  const shapes = countries("countries-110m.json");
  const detailed = countries("countries-50m.json");
  const projection = geoEqualEarth().fitWidth(WIDTH, { type: "FeatureCollection", features: shapes });
  const path = geoPath(projection).digits(1);
  const [[, top], [, bottom]] = path.bounds({ type: "FeatureCollection", features: shapes });
  const drawn = new Set(shapes.map((f) => f.id));
  const round = (n) => Math.round(n * 10) / 10;
  const world = {
    source: "world-atlas countries-110m and countries-50m (Natural Earth), Equal Earth projection",
    width: WIDTH,
    height: Math.ceil(bottom - top) + 2,
    top: Math.floor(top) - 1,
    countries: shapes.map((f) => ({ id: f.id, name: f.properties.name, d: path(f) })),
    dots: detailed.filter((f) => !drawn.has(f.id)).map((f) => {
      const [x, y] = projection(geoCentroid(f));
      return { id: f.id, name: f.properties.name, x: round(x), y: round(y) };
    }),
  };
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, JSON.stringify(world));
  return world;
}
