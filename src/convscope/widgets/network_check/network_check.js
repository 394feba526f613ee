// The `network_check` widget: the fourth lesson's generated questions, drawn by the quiz's own
// module (question, number box, the server's verdict and working, "New numbers").

import quiz from "../quiz/quiz.js";

export default quiz;
