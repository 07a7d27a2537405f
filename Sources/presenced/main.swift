print("presenced")
