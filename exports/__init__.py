"""Export quality (the Jilin seed programme): foreign technical trade measures alerted to the
members exporting the products they touch, and the same line, same standard, same quality
(同线同标同质) products."""
