namespace Gradebook.Emulator;

/// <summary>Makes user names in the style of the original feed: <c>Beth_Cronin</c>, <c>Julia.Effertz</c>, <c>Morris5</c>.</summary>
internal static class StudentNames
{
    private static readonly string[] First =
    [
        "Aaliyah", "Abel", "Ada", "Alec", "Alice", "Amara", "Ansel", "Aria", "Arlo", "Beth", "Blake", "Bruno", "Cara",
        "Cecil", "Chloe", "Cody", "Dalia", "Dante", "Delia", "Eli", "Elsa", "Emmet", "Esme", "Ezra", "Faye", "Felix",
        "Flora", "Gage", "Gemma", "Gus", "Hana", "Hugo", "Ida", "Ines", "Isaac", "Ivy", "Jada", "Jonah", "Julia", "Kai",
        "Kara", "Kobe", "Lana", "Leo", "Lila", "Luca", "Mae", "Maia", "Milo", "Morris", "Nell", "Nico", "Nora", "Odin",
        "Olga", "Omar", "Pia", "Pierce", "Quinn", "Rafe", "Rhea", "Rosa", "Ruben", "Sage", "Silas", "Sofia", "Tate",
        "Thalia", "Theo", "Uma", "Vera", "Vince", "Wade", "Wren", "Xena", "Yara", "Yusuf", "Zane", "Zelda", "Zoe",
    ];

    private static readonly string[] Last =
    [
        "Abbott", "Altenwerth", "Bashirian", "Bechtelar", "Bergstrom", "Boehm", "Carroll", "Cronin", "Dach", "Daugherty",
        "Dickens", "Durgan", "Effertz", "Emard", "Ernser", "Feest", "Fritsch", "Gerhold", "Gleichner", "Goyette",
        "Grady", "Hagenes", "Hamill", "Heaney", "Hilpert", "Howe", "Jacobi", "Jaskolski", "Kassulke", "Kemmer",
        "Koepp", "Kuhic", "Labadie", "Larkin", "Lehner", "Lind", "Macejkovic", "Marvin", "Mertz", "Monahan", "Nader",
        "Nolan", "Okuneva", "Ondricka", "Pacocha", "Pfannerstill", "Quigley", "Reichert", "Rempel", "Rohan", "Runte",
        "Sauer", "Schowalter", "Shanahan", "Skiles", "Stehr", "Tillman", "Torphy", "Turcotte", "Upton", "Volkman",
        "Walsh", "Waters", "Wiegand", "Wunsch", "Yost", "Zboncak", "Ziemann",
    ];

    /// <summary>A pool of <paramref name="count"/> distinct names, the same for the same seed.</summary>
    public static string[] Pool(int count, Random random)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pool = new string[count];
        var i = 0;
        while (i < count)
        {
            var name = Next(random);
            if (names.Add(name))
            {
                pool[i++] = name;
            }
        }

        return pool;
    }

    private static string Next(Random random)
    {
        var first = First[random.Next(First.Length)];
        var last = Last[random.Next(Last.Length)];
        return random.Next(5) switch
        {
            0 => $"{first}_{last}",
            1 => $"{first}.{last}",
            2 => $"{first}{random.Next(100)}",
            3 => $"{first}.{last}{random.Next(100)}",
            _ => $"{last}.{first}{random.Next(1000)}",
        };
    }
}
