// ES module behind Components/Charts/ApexChart.razor. ApexCharts itself is the UMD build loaded by App.razor
// (window.ApexCharts, copied from the pinned npm package by Portal.Web.csproj).
// Charts are kept in a map by a numeric handle, so .NET only ever holds a number.

const charts = new Map();
const handlesByElement = new WeakMap();
let nextHandle = 1;

function parse(optionsJson, element) {
    const options = JSON.parse(optionsJson ?? "{}");
    options.chart = options.chart ?? {};
    const height = element?.dataset?.height;
    if (options.chart.height === undefined && height) {
        options.chart.height = height;
    }
    return options;
}

/** Renders a chart into element and returns its handle (0 when ApexCharts is not loaded). */
export async function render(element, optionsJson) {
    if (!element || typeof window.ApexCharts !== "function") {
        console.warn("ApexCharts is not loaded; chart not rendered.");
        return 0;
    }
    // One chart per element: a second render into the same element replaces the first.
    const previous = handlesByElement.get(element);
    if (previous !== undefined) {
        destroy(previous);
    }
    const chart = new window.ApexCharts(element, parse(optionsJson, element));
    const handle = nextHandle++;
    charts.set(handle, { chart, element });
    handlesByElement.set(element, handle);
    await chart.render();
    return handle;
}

/** Replaces the chart's options (series included), animating from the current state. */
export async function update(handle, optionsJson) {
    const entry = charts.get(handle);
    if (!entry) {
        return false;
    }
    await entry.chart.updateOptions(parse(optionsJson, entry.element), true, true, true);
    return true;
}

/** Destroys the chart and forgets the handle; unknown handles are ignored. */
export function destroy(handle) {
    const entry = charts.get(handle);
    if (!entry) {
        return;
    }
    charts.delete(handle);
    if (handlesByElement.get(entry.element) === handle) {
        handlesByElement.delete(entry.element);
    }
    try {
        entry.chart.destroy();
    } catch (e) {
        console.debug("ApexCharts destroy failed", e);
    }
}

// The CSV exports share the workbench's download helper.
export { downloadText } from "./download.js";
