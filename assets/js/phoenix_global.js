// The bare phoenix client as window.Phoenix, for plain channel pages and the
// socket tests.
import * as Phoenix from "phoenix"
window.Phoenix = Phoenix
