"""What newsprism knows about the world apart from any article: countries, their names, demonyms and capitals,
international bodies. Stages read it; it reads nothing but the data that ships inside its packages."""
