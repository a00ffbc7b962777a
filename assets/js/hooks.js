// LiveView hooks shipped with the app (phx-hook="Name"). Pages may add
// more through window.liveHooks before app.js loads.
export const Hooks = {}
