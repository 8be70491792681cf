// Building projects on a map (Leaflet, served from our own static files). Without a tile
// URL configured, no request leaves for a tile server: the points are drawn on a plain
// background with a scale and the places named. Every point is also in the page's text or table, so the map
// is an addition, not the only way to the projects.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof L === "undefined") return;
  document.querySelectorAll("[data-project-map]").forEach((element) => {
    const data = element.querySelector("script[data-points]");
    const points = data ? JSON.parse(data.textContent) : [];
    if (!points.length) { element.hidden = true; return; }
    const map = L.map(element, { scrollWheelZoom: false, attributionControl: true });
    const plain = !element.dataset.tiles;
    if (!plain) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 18, attribution: element.dataset.attribution || "",
      }).addTo(map);
    } else {
      element.classList.add("project-map--plain");
      L.control.scale({ imperial: false }).addTo(map);
    }
    const markers = points.map((point) => {
      const marker = L.circleMarker([point.lat, point.lng], {
        radius: 8, weight: 2, color: "#0b5e54", fillColor: "#1d8a7d", fillOpacity: 0.85,
      }).addTo(map);
      const label = document.createElement(point.url ? "a" : "span");
      label.textContent = point.title;
      if (point.url) label.href = point.url;
      // Without a background map the places are named, so the points can be told apart.
      if (plain && point.place) {
        marker.bindTooltip(point.place, {
          permanent: true, direction: "right", offset: [8, 0], className: "project-map__place",
        });
      } else {
        marker.bindTooltip(point.title);
      }
      marker.bindPopup(label);
      return marker;
    });
    const group = L.featureGroup(markers);
    if (points.length === 1) map.setView([points[0].lat, points[0].lng], 14);
    else map.fitBounds(group.getBounds().pad(0.15));
  });
});
