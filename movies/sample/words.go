package sample

// Word lists for titles and names. Made up for this package; no third-party
// data.

var adjectives = []string{
	"Silent", "Crimson", "Hidden", "Broken", "Golden", "Last", "Endless", "Quiet",
	"Burning", "Frozen", "Wild", "Distant", "Hollow", "Electric", "Velvet", "Restless",
	"Paper", "Iron", "Secret", "Lonely", "Bright", "Midnight", "Savage", "Gentle",
	"Fallen", "Scarlet", "Wandering", "Bitter", "Sweet", "Lost", "Northern", "Southern",
	"Eastern", "Western", "Shattered", "Invisible", "Forgotten", "Dancing", "Sleeping", "Rising",
	"Falling", "Painted", "Crooked", "Silver", "Emerald", "Azure", "Stolen", "Borrowed",
	"Perfect", "Strange",
}

var nouns = []string{
	"River", "Mirror", "Garden", "Harbor", "Empire", "Winter", "Summer", "Highway",
	"Orchard", "Lighthouse", "Kingdom", "Stranger", "Promise", "Letter", "Machine", "Island",
	"Forest", "Desert", "Station", "Hotel", "Circus", "Carnival", "Shadow", "Horizon",
	"Echo", "Signal", "Engine", "Tower", "Bridge", "Valley", "Canyon", "Season",
	"Voyage", "Frontier", "Reckoning", "Inheritance", "Confession", "Symphony", "Ballad", "Requiem",
	"Alibi", "Masquerade", "Labyrinth", "Compass", "Anchor", "Lantern", "Meridian", "Orbit",
	"Monsoon", "Avalanche", "Tide", "Ember", "Thunder", "Comet", "Paradise", "Sanctuary",
	"Witness", "Heist", "Verdict", "Exile",
}

var places = []string{
	"", " of the North", " of the South", " in Paris", " in Tokyo", " at Dawn", " at Dusk",
	" of Glass", " of Stone", " of Fire", " of Ash", " on Mars", " under the Sea",
	" of the Heart", " in Winter", " of Tomorrow", " of Yesterday", " in Blue", " in Red",
	" of Lisbon", " of Cairo", " in Berlin", " in Rome", " of the Moon", " of the Sun",
	" at Midnight", " in the Rain", " of Lies", " of Dreams", " of Thieves", " of Kings",
	" of Saints", " of Ghosts",
}

// Each list's entries are distinct: a title is one combination, and
// distinct combinations must give distinct titles.
var articles = []string{"", "The ", "Beyond the ", "Return to the "}

var suffixes = []string{
	"", " II", " III", ": Redux", ": The Return", ": Part One", ": Origins",
}

var firstNames = []string{
	"Ada", "Bruno", "Clara", "Dario", "Elena", "Felix", "Greta", "Hugo", "Ines", "Jonas",
	"Kira", "Luca", "Mara", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tessa",
	"Umar", "Vera", "Wim", "Xenia", "Yuri", "Zora", "Alma", "Boris", "Celia", "Dmitri",
	"Edith", "Fabio", "Gemma", "Henrik", "Ilse", "Jakob", "Katya", "Lorenzo", "Mila", "Nadia",
	"Oskar", "Petra", "Rafael", "Sofia", "Tomas", "Ulla", "Viktor", "Wanda", "Yasmin", "Zeno",
	"Anouk", "Bela", "Carmen", "Dante", "Elsa", "Frida", "Gustav", "Hana", "Ivo", "Juno",
	"Kasimir", "Lena", "Marco", "Nora", "Otto", "Pia", "Rolf", "Selma", "Theo", "Ute",
	"Vito", "Wilma", "Aurel", "Bianca", "Cosmo", "Dora", "Emil", "Fiona", "Gil", "Helga",
	"Ira", "Jana", "Karl", "Liv", "Moritz", "Nina", "Orla", "Paul", "Runa", "Stella",
	"Tilo", "Una", "Valentin", "Wren", "Yara", "Zsofia", "Arno", "Brigitte", "Cyril", "Dagny",
}

var lastNames = []string{
	"Abel", "Bergmann", "Castellano", "Duval", "Eriksen", "Falk", "Gallo", "Hartmann", "Ibsen", "Jansen",
	"Kowalski", "Lindqvist", "Moreau", "Novak", "Olsen", "Petrov", "Quintana", "Rossi", "Sandoval", "Toivonen",
	"Ulrich", "Varga", "Weiss", "Xavier", "Yilmaz", "Zeller", "Andersen", "Brandt", "Costa", "Dahl",
	"Engel", "Ferrari", "Guerra", "Holm", "Iversen", "Jovanovic", "Keller", "Lange", "Marino", "Nilsen",
	"Ortega", "Pajari", "Reyes", "Strand", "Tanaka", "Ueda", "Vogel", "Winter", "Yamada", "Zamora",
	"Alvarez", "Blom", "Conti", "Delgado", "Eklund", "Fischer", "Gomez", "Haas", "Ito", "Juhasz",
	"Krause", "Lopez", "Maier", "Nakamura", "Oliveira", "Pereira", "Richter", "Santos", "Takahashi", "Unger",
	"Vidal", "Wagner", "Young", "Zimmer", "Arnaud", "Bauer", "Cruz", "Dubois", "Esposito", "Fontaine",
	"Garnier", "Hoffmann", "Ivanova", "Jensen", "Kaya", "Laurent", "Mendes", "Nieminen", "Ortiz", "Paredes",
	"Ramos", "Schulz", "Torres", "Urban", "Vasquez", "Weber", "Yoon", "Zhou", "Aalto", "Becker",
	"Carvalho", "Denis", "Eder", "Fuchs", "Grimaldi", "Horvat", "Ilic", "Jung", "Kraus", "Lund",
	"Marx", "Nagy", "Oberg", "Pohl", "Rahman", "Sato", "Thiel", "Ulm", "Valente", "Wolf",
	"Amato", "Berger", "Caruso", "Dorn", "Evers", "Frank", "Gruber", "Hein", "Illes", "Jaeger",
	"Kuhn", "Lindner", "Mayer", "Neumann", "Orban", "Pinto", "Roth", "Seidel", "Thomsen", "Vos",
	"Wirth", "Adler", "Bianchi", "Cole", "Dietz", "Ebert", "Franke", "Graf", "Hahn", "Imhof",
}

var initials = []string{"", "A. ", "B. ", "C. ", "D. ", "E. ", "F. ", "G. ", "H. ", "J. ", "K. ", "L. ", "M. ",
	"N. ", "O. ", "P. ", "R. ", "S. ", "T. ", "V. ", "W. "}

var nameSuffixes = []string{"", " Jr.", " II", " III", " Sr."}

var characterNames = []string{"The Stranger", "Detective Hale", "Mother", "The Captain", "Young Ana",
	"The Doctor", "Narrator", "Sam", "The Mayor", "Old Man", "Lina", "The Pilot", "Nurse", "Driver"}

var overviewBits = []string{
	"A quiet town is shaken when", "Years after the war,", "On the last night of summer,",
	"In a city that never sleeps,", "Against all odds,", "Haunted by the past,",
}

var overviewEnds = []string{
	"two strangers must decide what they owe each other.",
	"a family secret comes to light.",
	"an unlikely friendship changes everything.",
	"a detective follows a trail nobody else can see.",
	"a musician searches for the song that got away.",
	"a crew sets out on a voyage with no return.",
}
