"""Hand-written name lists: the frequent "heads" of each origin group's name distribution, and variant tables.

Faker's locale lists (see ``_sources.py``) supply the long tails. The heads below are written from general
knowledge of names common among children in England born 2005-2020 (ranked roughly by popularity, most common
first); weights are given by rank, not copied from any table. Each list is a whitespace-separated string; an
underscore stands for a space inside one name ("Abdul_Rahman").
"""

from __future__ import annotations


def words(text: str) -> list[str]:
    """The names of a whitespace-separated list, underscores turned into spaces, duplicates dropped."""
    return list(dict.fromkeys(w.replace("_", " ") for w in text.split()))


# --- White British / Irish / Caribbean heads by birth era: 0 = born up to 2010, 1 = 2011-2015, 2 = 2016 on ---
BRITISH_BOYS_BY_ERA = (
    words("""Jack Thomas Joshua Oliver Harry James William Samuel Daniel Charlie Benjamin Joseph Callum George
        Jake Alfie Luke Matthew Ethan Lewis Jacob Connor Ryan Alexander Dylan Max Liam Kieran Tyler Nathan
        Adam Cameron Owen Jamie Harvey Bradley Reece Kyle Louis Rhys Archie Henry Finley Aaron Leo Toby
        Brandon Ben Jordan Sam Billy Charles Edward Michael Morgan Kai Joel Riley Scott Declan"""),
    words("""Oliver Jack Harry Jacob Charlie Thomas George Oscar James William Noah Alfie Joshua Leo Archie
        Ethan Isaac Henry Joseph Samuel Logan Freddie Max Lucas Mason Finley Riley Dylan Theo Harrison
        Jenson Alexander Daniel Adam Edward Sebastian Zachary Toby Tyler Arthur Harvey Louie Reuben Frankie
        Tommy Ollie Elliot Bobby Jayden Luca Benjamin Teddy Rory Stanley Jude Hugo Ronnie Caleb Kian"""),
    words("""Oliver George Noah Arthur Harry Leo Oscar Archie Henry Theodore Freddie Jack Charlie Theo Jacob
        Alfie Finley Arlo Lucas Thomas Isaac Teddy Tommy Albie Reggie Ronnie Hunter Louie Jude Rory Elijah
        Roman Tobias Ezra Hugo Rowan Jaxon Joshua Max Sonny Frankie Otis Ralph Albert Grayson Luca Harley
        Edward Ellis Carter Jenson Mason Bobby Louis Caleb Zachary Jesse Alexander Ethan Milo Kai"""),
)
BRITISH_GIRLS_BY_ERA = (
    words("""Olivia Ruby Emily Grace Jessica Chloe Sophie Lily Amelia Evie Ella Katie Lucy Ellie Charlotte
        Hannah Megan Isabella Mia Holly Millie Lauren Abigail Amy Daisy Erin Molly Bethany Eleanor Leah
        Caitlin Georgia Poppy Freya Isabelle Jasmine Madison Paige Phoebe Summer Rebecca Scarlett Imogen
        Eva Keira Layla Niamh Shannon Courtney Alice Elizabeth Emma Lilly Maisie Tia Anna Rachel Zoe"""),
    words("""Amelia Olivia Isla Emily Poppy Ava Isabella Jessica Lily Sophie Grace Sophia Mia Evie Ruby Ella
        Scarlett Isabelle Chloe Sienna Freya Phoebe Charlotte Daisy Alice Florence Eva Millie Matilda Lucy
        Evelyn Elsie Rosie Imogen Lola Layla Esme Holly Emilia Harriet Erin Maisie Darcey Ellie Summer
        Willow Bella Megan Annabelle Lexi Eliza Hannah Amber Georgia Lilly Molly Eleanor Lacey Orla Niamh"""),
    words("""Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella
        Poppy Evie Elsie Charlotte Evelyn Sienna Daisy Phoebe Sofia Alice Harper Matilda Ruby Emilia Maya
        Millie Isabelle Aria Bonnie Esme Luna Mila Ellie Hallie Eliza Thea Penelope Maisie Delilah Ada
        Violet Arabella Margot Orla Lottie Robyn Edith Molly Erin Nancy Ayla Iris Hazel Layla Harriet"""),
)
BRITISH_MIDDLE_BOYS = words("""James John Thomas William David Michael Alexander Lee Jay George Edward Robert
    Joseph Anthony Peter Paul Daniel Christopher Charles Henry Jack Oliver Luke Ray Alan Rhys Mark Richard
    Arthur Frederick Albert Ross Louis Stephen Francis Patrick Dean Scott""")
BRITISH_MIDDLE_GIRLS = words("""Rose Grace Mae May Louise Elizabeth Marie Jane Anne Ann Lily Jade Victoria Alice
    Florence Sophie Leigh Lou Faith Hope Olivia Catherine Emily Eve Ivy Jo Kate Elise Ruby Amelia Violet
    Evelyn Isabelle Ella Summer Rae Jean Frances Margaret Lauren""")
CARIBBEAN_BOYS = words("""Tyrese Jayden Kai Malachi Nathaniel Isaiah Amari Elijah Joshua Jaden Reuben Kyrie
    Tyler Josiah Leon Marcus Andre Jermaine Dwayne Rashid Zion Micah Jahmal Kemar Levi Jamal Darnell Shaquille
    Ezekiel Nathan Myles Tristan Daniel Jordan Jaheim Romario Omari Theo Ashton""")
CARIBBEAN_GIRLS = words("""Kayla Jada Aaliyah Tiana Shanice Nia Imani Amara Zara Keisha Chantelle Jasmine Maya
    Naomi Alicia Kiara Leah Tianna Destiny Precious Jayda Mya Ruby Ella Aaliya Khadijah Nevaeh Sienna Trinity
    Renee Amelia Grace Tamia Kaliyah Danielle Shania Janelle Kimora""")
CARIBBEAN_SURNAMES = words("""Campbell Brown Williams Clarke Thompson Francis Grant Reid Morgan Henry Lewis Bailey
    Gordon Johnson Edwards Richards Samuels Walters Simpson Forbes Stewart Graham Robinson Allen Bennett McKenzie
    Powell Dixon Hinds Gayle Barrett Blake Spencer Wright James Alleyne Beckford Ferguson Mullings""")

# --- South Asian ---
MUSLIM_SA_BOYS = words("""Muhammad Mohammed Ayaan Zain Ibrahim Yusuf Hamza Ali Musa Adam Rayyan Zayan Ismail
    Abdullah Hassan Haris Ahmed Umar Idris Imran Zakariya Bilal Saad Hussain Arham Azlan Rehan Aryan Ahmad
    Danyal Rayan Subhan Faizan Amaan Shayan Usman Harris Anas Raheem Ehsan Junaid Abdul_Rahman Haider Sami
    Zaid Ilyas Arhaan Mustafa Hasnain Taimur Aaron Ismaeel Rohaan""")
MUSLIM_SA_GIRLS = words("""Aisha Maryam Fatima Zainab Hafsa Khadija Amina Safa Iqra Anaya Zara Inaaya Aleena
    Eshal Hania Noor Ayesha Mariam Sana Alisha Ameera Zoya Hana Amna Laiba Areeba Hira Sara Aleeza Manahil
    Haniya Mehak Rimsha Samina Sumaya Anisa Ayat Amirah Hibba Mahnoor Mahira Safiya Iman Aiza Sofia Raniya
    Zunaira Inaya Liyana Zahra""")
MUSLIM_SA_MIDDLE_BOYS = words("""Ali Ahmed Hussain Muhammad Hassan Abdul Rehman Rahman Ibrahim Haider Khan Omar
    Zaman Iqbal Javed Shah Ilyas Imran Yusuf Akbar""")
MUSLIM_SA_MIDDLE_GIRLS = words("""Bibi Noor Fatima Begum Kauser Jan Bano Naz Zahra Parveen Sultana Akhtar Aisha
    Rani Shaheen Kausar""")
PAKISTANI_SURNAMES = words("""Khan Hussain Ahmed Ali Akhtar Mahmood Iqbal Shah Rehman Butt Malik Aslam Rashid
    Mirza Qureshi Raza Javed Sadiq Yousaf Anwar Nawaz Arshad Zaman Ashraf Hanif Rafiq Bashir Saleem Tariq
    Riaz Haq Younis Latif Sharif Mehmood Abbas Hameed Rauf Aziz Kayani Chaudhry Mughal Bhatti Awan Raja
    Siddique Nazir Yasin Shafiq Ayub Ghafoor Hafeez Karim Majid Sabir""")
BANGLADESHI_SURNAMES = words("""Ahmed Rahman Islam Miah Uddin Ali Hussain Hoque Khan Chowdhury Hossain Alam
    Akhtar Ullah Sheikh Sarker Karim Mahmud Ahmad Rashid Haque Talukder Kabir Munshi Mridha Bhuiyan Sikder
    Mollah Siddiqui""")
BANGLADESHI_GIRL_SURNAMES = words("Begum Khatun Akter Sultana Bibi Khanom Nessa Jahan Akhtar")
BANGLADESHI_BOY_SURNAMES = words("Miah Uddin Ahmed Islam Rahman Ali Hussain Ullah Alam Hoque")
BANGLADESHI_BOYS = words("""Mohammed Abdul Ayaan Ibrahim Rayyan Yusuf Adam Zayan Isa Musa Aariz Rahim Tanvir
    Raihan Sabbir Shahid Tahmid Fahim Nabil Sami Arif Jamal Rafi Shakil Ashik Mahir Adnan Farhan Riyad""")
BANGLADESHI_GIRLS = words("""Tasnim Sumaiya Nusrat Fahima Tahmina Samia Humaira Nafisa Raisa Ayesha Maryam
    Fatima Sadia Tania Jannat Ruksana Shirin Sabrina Afia Lamia Nadia Rumana Salma Halima Shakila Mim Tanisha""")
INDIAN_BOYS = words("""Arjun Aarav Krish Rohan Dev Ishaan Veer Jai Aryan Kabir Rishi Nikhil Harjot Jaskaran Arav
    Vihaan Reyansh Ravi Sahil Karan Yash Rahul Aditya Neil Jay Om Kiran Manav Parth Raj Sai Tejas Harvir
    Gurveer Armaan Ranveer Anish Dhruv Shiv Vivaan""")
INDIAN_GIRLS = words("""Priya Anaya Riya Diya Aanya Saanvi Kiran Isha Meera Jasleen Harleen Navneet Simran Ananya
    Avni Tara Nisha Pooja Shreya Aisha Asha Divya Jasmine Kavya Mira Nikita Prisha Reet Sanaya Sia Tia Gurleen
    Amrit Anjali Ishani Sneha Sonia Myra Aarya Manpreet""")
INDIAN_SURNAMES = words("""Patel Shah Mistry Parmar Chauhan Solanki Sharma Kumar Gill Sandhu Sidhu Dhillon Bains
    Johal Sahota Virdee Mehta Desai Joshi Pandya Modi Thakkar Rana Gupta Lal Kaur Singh Rai Sohal Atwal Grewal
    Randhawa Sagoo Jutla Bhogal Chopra Kapoor Malhotra Verma Nair Menon Pillai Reddy Rao Iyer Naidoo Varma
    Lakhani Vaghela Makwana Tailor Gohil Jadeja Odedra""")
SIKH_FAMILY_SURNAMES = words("""Gill Sandhu Sidhu Dhillon Bains Johal Sahota Virdee Atwal Grewal Randhawa Sagoo
    Jutla Bhogal Sohal Kang Dhaliwal Sangha Mann Bhullar Sanghera Uppal""")

# --- African ---
NIGERIAN_CHRISTIAN_BOYS = words("""David Daniel Joshua Samuel Emmanuel Joseph Michael Jayden Caleb Elijah Nathan
    Isaac Divine Favour Precious Gabriel Jeremiah Success Testimony Praise Marvellous Godwin Victor Timothy
    Stephen Ethan Israel Jesse Kingsley Miracle Goodluck Jaden Andrew Peter""")
NIGERIAN_CHRISTIAN_GIRLS = words("""Precious Blessing Favour Grace Esther Deborah Victoria Praise Divine Goodness
    Miracle Peace Joy Faith Mercy Gift Rachel Rebecca Hannah Abigail Ruth Sarah Comfort Princess Jessica
    Testimony Treasure Adriel Chloe Naomi Zoe Anita Glory Marvellous Jemima""")
SOMALI_BOYS = words("""Mohamed Abdirahman Abdullahi Ahmed Ali Hassan Yusuf Omar Ibrahim Abdi Mustafe Hamza Liban
    Said Khalid Sharmarke Guled Abdirashid Ayanle Hamse Idris Nasir Bashir Abdikarim Mahad Faisal Zakaria
    Mahamed Ilyas Abdiaziz""")
SOMALI_GIRLS = words("""Hodan Hibo Sahra Fadumo Khadra Ayan Nimco Sumaya Hamdi Idil Asma Faiza Ubah Najma Yasmin
    Ifrah Leyla Deeqa Amran Ikran Hafsa Ruqiya Nasteho Safiya Muna Salma Halimo Ilhan Shukri Sagal""")
SOMALI_SURNAMES = words("""Mohamed Ahmed Ali Abdi Hassan Hussein Omar Farah Warsame Yusuf Osman Abdullahi Ibrahim
    Jama Aden Nur Ismail Hirsi Duale Egal Mohamud Hersi Abdulle Elmi Dirie Gure Abdillahi Musse Shire Robleh
    Samatar Awale Barre Gedi Ahmed Noor Adan Haji Sheikh""")
ERITREAN_BOYS = words("""Yonas Robel Filmon Merhawi Daniel Samuel Dawit Biniam Kidane Mussie Nahom Abel Henok
    Aron Yohannes Natnael Mikael Solomon Tesfalem Amanuel Eyob Kibrom Habtom Semere Yared""")
ERITREAN_GIRLS = words("""Semhar Senait Selam Helen Saron Hiwet Luwam Mahlet Meron Ruth Feven Bethlehem Eden
    Hanna Winta Rahel Lidya Yordanos Tsion Sara Elsa Abeba Mebrat Ruta Nardos""")
ERITREAN_SURNAMES = words("""Tesfay Tekle Berhane Gebremedhin Haile Kidane Ghebreyesus Woldemichael Tsegay Mehari
    Gebru Tesfamariam Habte Yohannes Negash Andemariam Weldu Kahsay Asfaha Ghirmay Fessehaye Abraha Mengistu
    Tadesse Bekele Alemu Girma Desta Abebe Hailu""")

# --- Middle East, Kurdish, Afghan, Iranian (romanised; no Faker locale ships these in Latin script) ---
ARAB_BOYS = words("""Mohammed Ahmad Omar Yousef Ali Hassan Hussein Khaled Abdullah Ibrahim Zakaria Adam Karim Amir
    Mustafa Hamza Yazan Tareq Ziad Rami Sami Fadi Bilal Anas Majd Laith Qais Mahmoud Jad Nour Obaida Taim
    Ayham Mazen Hadi Zaid Rayan Elias Basel Waleed""")
ARAB_GIRLS = words("""Fatima Maryam Zahra Layla Sara Noor Hiba Rania Amira Yasmin Rahaf Lana Jana Malak Sidra
    Aya Salma Dana Lina Joud Reem Nour Hala Tala Razan Ghazal Heba Rawan Shahd Raghad Mira Sana Huda Dalia
    Alaa Asmaa Farah Habiba Judy Leen""")
ARAB_SURNAMES = words("""Al-Ahmad Al-Hassan Hassan Ibrahim Abdullah Mahmoud Saleh Haddad Khalil Nasser Mansour
    Hamad Othman Mohammed Aziz Kareem Abdulrahman Al-Ali Al-Khatib Al-Masri Darwish Suleiman Yassin Khoury
    Salem Al-Hussein Qasim Al-Rashid Hamdan Jaber Hamoud Issa Zaki Sabbagh Al-Sayed Abbas Awad Farhat
    Al-Obaidi Al-Tamimi Hijazi Taha Mustafa""")
KURDISH_BOYS = words("""Soran Rebin Hawre Karwan Shvan Aram Dilan Zana Rawand Sherwan Hemin Aras Baran Diyar
    Hozan Kawa Nechirvan Rezan Ari Azad Bryar Darya Hardi Lawin Rekan Sarbast Bakhtiyar Hiwa""")
KURDISH_GIRLS = words("""Rozhin Shilan Avin Dilan Hana Lana Nazdar Evin Berivan Chnar Dilnya Hevin Kani Lara
    Naz Rojin Shno Zhila Beri Ronak Helin Zozan Ashti Gulistan Sazan Sara""")
KURDISH_SURNAMES = words("""Ahmed Mohammed Hama Aziz Karim Rasul Abdullah Ali Hassan Omar Qadir Salih Mahmood
    Rashid Hussein Faraj Jalal Amin Barzani Talabani Hawrami Kakayi Mustafa Othman Sharif Khidir Hamad""")
AFGHAN_BOYS = words("""Ahmad Mohammad Mustafa Samiullah Hamid Abdul Ali Reza Sayed Omid Farid Habib Jawad
    Khalid Mansoor Naveed Nasir Rahmatullah Shafiq Wahid Yama Zabihullah Arash Bilal Elham Hasib Idris
    Jamshid Mujtaba Rohullah Sulaiman Waheed Zia Noorullah Qasim""")
AFGHAN_GIRLS = words("""Fatima Maryam Zahra Mursal Parwana Sahar Freshta Nazanin Shabnam Hasina Farzana Madina
    Mina Nilofar Roya Sadaf Sima Sonia Tamana Zainab Marwa Mahtab Laila Khatera Arezo Negina Somaya""")
AFGHAN_SURNAMES = words("""Ahmadi Mohammadi Rahimi Karimi Popal Sultani Stanekzai Hamidi Azizi Rasuli Noori
    Amiri Sadiqi Hakimi Haidari Hussaini Safi Shinwari Wardak Yousufzai Durrani Naseri Habibi Jalali
    Akbari Qaderi Rezai Barakzai Mohmand Sharifi Zahid Nazari Hotak""")
IRANIAN_BOYS = words("""Amir Ali Reza Mohammad Arash Ramin Darius Arman Aryan Kian Parsa Sina Farhad Hamed Hossein
    Mehdi Navid Omid Pouya Saeed Sam Shayan Babak Behnam Kourosh Mani Matin Nima Payam Soroush Taha""")
IRANIAN_GIRLS = words("""Parisa Negin Mahsa Sahar Darya Yasmin Shirin Nazanin Roya Mina Niloufar Bahar Hasti
    Ava Setareh Tara Ladan Leila Mahtab Maryam Nazila Ghazal Saba Raha Anahita Elnaz Golnaz Fatemeh""")
IRANIAN_SURNAMES = words("""Hosseini Mohammadi Ahmadi Rezaei Karimi Moradi Jafari Rahimi Heidari Sadeghi Ghasemi
    Mousavi Kazemi Hashemi Ebrahimi Nouri Rostami Shirazi Tehrani Esfahani Akbari Farahani Zamani Ansari
    Bagheri Amini Asadi Salehi Ghorbani Rashidi""")

# --- East Asian ---
CHINESE_SYLLABLES = words("""zi xuan yu hao yi chen jia xin yan ming jun wei hui ling rui han qi tian le xiao
    yang kai bo wen jing shu an lan yue ting hong lin ning si""")
CHINESE_SURNAMES_HEAD = words("""Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo
    Cheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Wong
    Chan Lee Lau Cheung Ng Ho Leung Lam Chow Tsang Yip Fung Tang""")
VIETNAMESE_BOYS_EXTRA = words("Duc Long Khanh Tuan Hieu Thien Hai Phong Kien Viet")
VIETNAMESE_GIRLS_EXTRA = words("Trang Huong Thu Ha Phuong Nhung Quynh My Tam Uyen")
VIETNAMESE_SURNAMES_EXTRA = words("Ngo Do Ho Huynh Truong Phan Vo Dinh Lam Luong")

# --- Europe (heads only; Faker lists give the rest) ---
POLISH_BOYS_HEAD = words("""Jakub Szymon Jan Filip Kacper Antoni Aleksander Franciszek Mikołaj Wojciech Adam
    Michał Marcel Stanisław Wiktor Piotr Igor Leon Nikodem Mateusz Oliwer Dawid Tymon Ignacy Bartosz""")
POLISH_GIRLS_HEAD = words("""Zuzanna Julia Maja Zofia Hanna Lena Alicja Maria Amelia Oliwia Wiktoria Natalia
    Aleksandra Pola Nikola Emilia Gabriela Laura Antonina Martyna Lilianna Weronika Kornelia Nadia Wiktoria""")
ROMANIAN_SURNAMES_EXTRA = words("""Popescu Ionescu Popa Pop Radu Dumitru Stoica Stan Gheorghe Rusu Munteanu
    Matei Constantin Lazăr Ciobanu Florea Moldovan Ene Marin Dinu Tudor Ardeleanu Sârbu Cristea Mihai Neagu
    Ungureanu Vasile Toma Dobre Mocanu Nistor Oprea Voicu Căpraru Bălan Lupu""")
ROMA_SLOVAK_SURNAMES = words("""Horváth Kováč Varga Tóth Nagy Baláž Lakatoš Oláh Gábor Kotlár Bandy Daniel
    Červeňák Mirga Dunka Gazi Pompa Žiga Kuchár Rigo""")
UKRAINIAN_BOYS_CYR = words("""Олександр Максим Артем Дмитро Андрій Михайло Іван Назар Богдан Денис Владислав
    Микола Тарас Юрій Ярослав Сергій Кирило Данило Матвій Євген Олег Віктор Ілля Тимофій Роман""")
UKRAINIAN_GIRLS_CYR = words("""Анастасія Софія Марія Дарина Вікторія Поліна Анна Юлія Олександра Катерина Єва
    Соломія Злата Мілана Діана Вероніка Аліна Тетяна Ірина Олена Христина Ярослава Наталія Оксана Ліза""")


# --- Variant tables used by the error model ---

# Informal or short forms: formal name -> forms a caseworker or a family might use.
NICKNAMES: dict[str, list[str]] = {
    "William": ["Will", "Bill", "Billy", "Liam"],
    "Katherine": ["Katie", "Kate", "Kathy"],
    "Catherine": ["Cathy", "Kate", "Cat"],
    "Alexander": ["Alex", "Xander", "Sandy"],
    "Alexandra": ["Alex", "Lexi", "Sasha"],
    "Elizabeth": ["Beth", "Lizzie", "Eliza", "Libby", "Liz"],
    "Thomas": ["Tom", "Tommy"],
    "James": ["Jim", "Jamie", "Jimmy"],
    "Joshua": ["Josh"],
    "Samuel": ["Sam", "Sammy"],
    "Benjamin": ["Ben", "Benji"],
    "Daniel": ["Dan", "Danny"],
    "Matthew": ["Matt", "Matty"],
    "Christopher": ["Chris", "Kit"],
    "Nicholas": ["Nick", "Nicky"],
    "Jonathan": ["Jon", "Johnny"],
    "Joseph": ["Joe", "Joey"],
    "Michael": ["Mike", "Mikey", "Mick"],
    "Frederick": ["Fred", "Freddie", "Freddy"],
    "Alfred": ["Alfie", "Alf"],
    "Archibald": ["Archie"],
    "Theodore": ["Theo", "Teddy", "Ted"],
    "Oliver": ["Ollie", "Olly"],
    "Charles": ["Charlie", "Chas"],
    "Henry": ["Harry", "Hal"],
    "Edward": ["Ed", "Eddie", "Ted", "Ned"],
    "Rebecca": ["Becky", "Becca"],
    "Jessica": ["Jess", "Jessie"],
    "Abigail": ["Abbie", "Abby", "Gail"],
    "Eleanor": ["Ellie", "Nell", "Elle"],
    "Isabella": ["Bella", "Izzy", "Issy"],
    "Isabelle": ["Belle", "Izzy"],
    "Amelia": ["Millie", "Mia"],
    "Olivia": ["Liv", "Livvy", "Ollie"],
    "Victoria": ["Tori", "Vicky"],
    "Samantha": ["Sam", "Sammie"],
    "Charlotte": ["Lottie", "Charlie"],
    "Florence": ["Flo", "Florrie"],
    "Margaret": ["Maggie", "Meg"],
    "Matilda": ["Tilly", "Tilda"],
    "Penelope": ["Penny"],
    "Robert": ["Rob", "Bob", "Bobby", "Robbie"],
    "Richard": ["Rich", "Ricky"],
    "Anthony": ["Tony", "Ant"],
    "Zachary": ["Zac", "Zack"],
    "Nathaniel": ["Nate", "Nathan"],
    "Harrison": ["Harry"],
    "Jacob": ["Jake"],
    "Lucas": ["Luke"],
    "Sebastian": ["Seb"],
    "Reginald": ["Reggie"],
    "Ronald": ["Ronnie"],
    "Albert": ["Albie", "Bert"],
    "Stanley": ["Stan"],
    "Evelyn": ["Evie"],
    "Emily": ["Em", "Emmy"],
    "Sophia": ["Sophie"],
    "Gabriella": ["Gabby", "Ella"],
    "Jennifer": ["Jenny", "Jen"],
    "Natalie": ["Nat"],
    "Muhammad": ["Mo"],
    "Mohammed": ["Mo", "Moe"],
    "Mohamed": ["Mo"],
    "Abdullah": ["Abdul"],
    "Abdirahman": ["Abdi"],
    "Abdullahi": ["Abdi"],
    "Ibrahim": ["Ibby"],
    "Zakariya": ["Zak"],
    "Zakaria": ["Zak"],
    "Ismail": ["Izzy"],
    "Yusuf": ["Yus"],
    "Aleksander": ["Olek", "Alek"],
    "Aleksandra": ["Ola", "Ala"],
    "Małgorzata": ["Gosia"],
    "Katarzyna": ["Kasia"],
    "Wojciech": ["Wojtek"],
    "Krzysztof": ["Krzys"],
    "Stanisław": ["Staś"],
    "Oleksandr": ["Sasha", "Sashko"],
    "Mykhailo": ["Misha"],
    "Dmytro": ["Dima"],
    "Anastasiia": ["Nastia", "Nastya"],
    "Oluwaseun": ["Seun"],
    "Oluwadamilare": ["Dami"],
    "Oluwatobi": ["Tobi"],
    "Chukwuemeka": ["Emeka"],
    "Chinonso": ["Nonso"],
    "Oluwafemi": ["Femi"],
}

# Anglicised or cross-language equivalents of a given name.
ANGLICISED: dict[str, list[str]] = {
    "Aleksander": ["Alexander"],
    "Aleksandra": ["Alexandra"],
    "Jakub": ["Jacob", "Jakob"],
    "Mateusz": ["Matthew"],
    "Piotr": ["Peter"],
    "Paweł": ["Paul"],
    "Michał": ["Michael"],
    "Tomasz": ["Thomas"],
    "Łukasz": ["Luke", "Lukas"],
    "Szymon": ["Simon"],
    "Wiktoria": ["Victoria"],
    "Zuzanna": ["Susanna"],
    "Katarzyna": ["Katherine"],
    "Małgorzata": ["Margaret"],
    "Krzysztof": ["Christopher"],
    "Andrzej": ["Andrew"],
    "Jan": ["John"],
    "Józef": ["Joseph"],
    "Dawid": ["David"],
    "Filip": ["Philip"],
    "Mikołaj": ["Nicholas"],
    "Franciszek": ["Francis"],
    "Antoni": ["Anthony"],
    "Oliwia": ["Olivia"],
    "Oliwer": ["Oliver"],
    "Julia": ["Julie"],
    "Zofia": ["Sophie", "Sophia"],
    "Hanna": ["Hannah"],
    "Yusuf": ["Joseph"],
    "Ibrahim": ["Abraham"],
    "Musa": ["Moses"],
    "Maryam": ["Mary", "Miriam"],
    "Mariam": ["Mary"],
    "Isa": ["Jesus"],
    "Yahya": ["John"],
    "Dawood": ["David"],
    "Sulaiman": ["Solomon"],
    "Suleiman": ["Solomon"],
    "Ilyas": ["Elias"],
    "Yaqub": ["Jacob"],
    "Ismail": ["Ishmael"],
    "Juan": ["John"],
    "José": ["Joseph"],
    "Giovanni": ["John"],
    "Giuseppe": ["Joseph"],
    "João": ["John"],
    "Ioana": ["Joanna"],
    "Andrei": ["Andrew"],
    "Mihai": ["Michael"],
    "Gheorghe": ["George"],
    "Ștefan": ["Stephen"],
    "Ion": ["John"],
    "Oleksandr": ["Alexander"],
    "Mykola": ["Nicholas"],
    "Andrii": ["Andrew"],
    "Yurii": ["George"],
    "Mariia": ["Maria", "Mary"],
    "Kateryna": ["Katherine"],
    "Yelyzaveta": ["Elizabeth"],
    "Ivan": ["John"],
    "Dmytro": ["Dimitri"],
    "Yonas": ["Jonah"],
    "Yohannes": ["John"],
    "Mikael": ["Michael"],
    "Dawit": ["David"],
    "Yoseph": ["Joseph"],
    "Khalid": ["Khaled"],
    "Tomás": ["Thomas"],
    "Pedro": ["Peter"],
    "Miguel": ["Michael"],
}

# Groups of spellings of one name across romanisations; any member may be written as any other.
TRANSLITERATION_GROUPS: list[list[str]] = [
    ["Muhammad", "Mohammed", "Mohammad", "Mohamed", "Muhammed", "Mohamad", "Mahamed"],
    ["Ahmed", "Ahmad", "Ahmet", "Ahmod"],
    ["Hussain", "Hussein", "Husain", "Hossain", "Husein"],
    ["Yusuf", "Yousef", "Yousuf", "Yusef", "Youssef"],
    ["Aisha", "Ayesha", "Aysha", "Aishah", "Ayisha"],
    ["Fatima", "Fatimah", "Fatma"],
    ["Mariam", "Maryam", "Maryum", "Meryem"],
    ["Zainab", "Zaynab", "Zeinab"],
    ["Hamza", "Hamzah"],
    ["Abdullah", "Abdallah", "Abdulla"],
    ["Khadija", "Khadijah", "Khadeeja"],
    ["Usman", "Osman", "Othman", "Uthman"],
    ["Umar", "Omar", "Omer"],
    ["Hassan", "Hasan"],
    ["Ibrahim", "Ebrahim", "Ibraheem"],
    ["Mustafa", "Mostafa", "Moustafa", "Mustafe"],
    ["Rahman", "Rehman", "Rahmaan"],
    ["Chowdhury", "Choudhury", "Chaudhry", "Chaudhary", "Choudhry"],
    ["Hoque", "Haque", "Hoq", "Huq", "Haq"],
    ["Miah", "Mia", "Meah"],
    ["Uddin", "Udin", "Ud-Din"],
    ["Alam", "Alom"],
    ["Mahmood", "Mahmud", "Mehmood", "Mahmoud"],
    ["Qureshi", "Kureshi", "Quraishi"],
    ["Yasin", "Yaseen", "Yassin"],
    ["Karim", "Kareem"],
    ["Mohamud", "Mahmoud"],
    ["Farah", "Farrah"],
    ["Tesfay", "Tesfaye", "Tesfai"],
    ["Gebremedhin", "Ghebremedhin"],
    ["Gebru", "Ghebru"],
    ["Zakariya", "Zakaria", "Zakariyya", "Zachariah"],
    ["Ismail", "Ismael", "Esmail"],
    ["Ayaan", "Ayan"],
    ["Rayyan", "Rayan", "Raiyan"],
    ["Aaliyah", "Aliyah", "Aaliya"],
    ["Abdirahman", "Abdulrahman", "Abdul Rahman", "Abdurahman"],
    ["Abdullahi", "Abdilahi", "Abdillahi"],
    ["Layla", "Leila", "Laila", "Leyla"],
    ["Yasmin", "Yasmine", "Jasmin"],
    ["Noor", "Nur", "Nour"],
    ["Sumaya", "Sumaiya", "Sumayyah"],
    ["Hafsa", "Hafsah"],
    ["Safiya", "Safiyyah", "Safia"],
    ["Zahra", "Zehra", "Zara"],
    ["Amina", "Aminah", "Ameena"],
    ["Idris", "Idrees"],
    ["Bilal", "Belal"],
    ["Anas", "Enes"],
    ["Zain", "Zayn", "Zane"],
    ["Hiba", "Heba"],
    ["Reza", "Riza", "Raza"],
    ["Hosseini", "Husseini", "Hosaini"],
    ["Mousavi", "Musavi", "Moosavi"],
    ["Fatemeh", "Fatima"],
    ["Kourosh", "Kurosh", "Cyrus"],
    ["Niloufar", "Nilufar", "Nilofar"],
    ["Mujtaba", "Mojtaba"],
    ["Mansoor", "Mansour", "Mansur"],
    ["Naveed", "Navid"],
    ["Sayed", "Sayyid", "Syed", "Seyed"],
    ["Yousufzai", "Yousafzai", "Yusufzai"],
    ["Abdulrahman", "Abdul-Rahman", "Abdelrahman"],
    ["Khalil", "Khaleel"],
    ["Saleh", "Salih"],
    ["Qasim", "Kasim", "Qassim"],
    ["Nasser", "Nasir", "Naser"],
    ["Issa", "Isa", "Eissa"],
    ["Oleksandr", "Olexandr", "Aleksandr", "Alexandr"],
    ["Serhii", "Sergii", "Sergey", "Serhiy"],
    ["Yuliia", "Yulia", "Iuliia"],
    ["Andrii", "Andriy", "Andrey"],
    ["Dmytro", "Dmitro", "Dmitry"],
    ["Mykhailo", "Mikhail", "Mykhaylo"],
    ["Anastasiia", "Anastasia", "Anastasiya"],
    ["Yevhen", "Ievgen", "Evgeny"],
    ["Kateryna", "Katerina", "Ekaterina"],
    ["Oleksii", "Oleksiy", "Alexey"],
    ["Zhang", "Cheung", "Chang"],
    ["Chen", "Chan"],
    ["Wang", "Wong"],
    ["Li", "Lee", "Lei"],
    ["Huang", "Wong", "Hwang"],
    ["Liu", "Lau", "Lao"],
    ["Zhou", "Chow", "Chou"],
    ["Wu", "Ng", "Woo"],
    ["Xu", "Hsu", "Tsui"],
    ["Zheng", "Cheng", "Tay"],
    ["Guo", "Kwok"],
    ["Lin", "Lam"],
    ["Liang", "Leung"],
    ["Nguyen", "Nguyễn", "Nguyen Van"],
    ["Tran", "Trần"],
    ["Pham", "Phạm"],
    ["Jakub", "Jacub"],
    ["Wojciech", "Wojceich"],
    ["Katarzyna", "Katazyna"],
    ["Olumide", "Olumidé"],
    ["Adeyemi", "Adeyemmi"],
    ["Oluwaseun", "Oluwasehun"],
    ["Kaur", "Kour"],
    ["Sandhu", "Sindhu"],
    ["Dhillon", "Dhilon"],
    ["Sidhu", "Siddhu"],
]

# UK keyboard neighbours for substitution typos (lower case; applied case-preserving).
KEY_NEIGHBOURS: dict[str, str] = {
    "a": "qwsz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}

# Spelling confusions a person taking details by phone might make (pattern -> replacement).
PHONETIC_SWAPS: list[tuple[str, str]] = [
    ("ph", "f"),
    ("ck", "k"),
    ("ie", "y"),
    ("y", "ie"),
    ("ee", "ea"),
    ("ea", "ee"),
    ("ou", "u"),
    ("c", "k"),
    ("k", "c"),
    ("z", "s"),
    ("s", "z"),
    ("ll", "l"),
    ("nn", "n"),
    ("tt", "t"),
    ("mm", "m"),
    ("ey", "y"),
    ("ah", "a"),
    ("aa", "a"),
    ("oo", "u"),
    ("th", "t"),
    ("w", "v"),
    ("v", "w"),
    ("j", "y"),
]

# Similar-sounding name pairs (same sex) that twins are sometimes given.
TWIN_PAIRS: list[tuple[str, str]] = [
    ("Aiden", "Aidan"),
    ("Leah", "Lea"),
    ("Hassan", "Hussain"),
    ("Lily", "Lilly"),
    ("Ellie", "Elsie"),
    ("Jayden", "Jaden"),
    ("Isla", "Ayla"),
    ("Max", "Maxim"),
    ("Mia", "Maya"),
    ("Zain", "Zayn"),
    ("Rayan", "Rayyan"),
    ("Eva", "Ava"),
    ("Hana", "Hanna"),
    ("Amelia", "Emilia"),
    ("Harry", "Harvey"),
    ("Aisha", "Ayesha"),
    ("Jake", "Jack"),
    ("Ella", "Bella"),
    ("Oscar", "Oliver"),
    ("Hamza", "Hassan"),
]

# Parts of made-up English place and surname-like words.
PLACE_HEADS = words("""Ash Brad Elm Thorn Kings Mill Oak Bram Hol Wick Chad Stan Dun Kel Har Lang Brock Wood
    Hen Ful Mar Red Whit Stock Bur Ald Ames Bex Cal Crow Dal Fen Glen Hat Kirk Lyn Nor Ox Pen Ros Sal Tad
    Up Wal Wes Wil Yar Ayl Blen Chel Dor Eg""")
PLACE_TAILS = words("""ford ley ton bury field wick ham by thorpe worth bridge dale stead well brook minster cote
    hurst ing mere port stow combe den don gate haven holme marsh moor ridge""")
SURNAME_HEADS = words("""Ash Brad Hol Whit Roth Ack Bram Cart Dun Earn Fair Gold Hart Ing Kerr Lind Mars Nether
    Old Pick Ram Shaw Thorn Under Wain Black Brown Green Rad Sal Win Ather Bag Cas Dew Fitz Halt Lock Mal""")
SURNAME_TAILS = words("""worth shaw royd ley ton croft field well by dale ridge wood son stone ham more wick er
    ington ford stead hurst smith man""")
STREET_WORDS = words("""Alder Ash Beech Birch Cedar Chestnut Elm Hawthorn Hazel Holly Laurel Lime Maple Oak
    Pine Rowan Sycamore Willow Yew Acacia Blackbird Kestrel Lark Linnet Mallard Merlin Robin Swallow Wren
    Heron Church Mill Station School Park Bridge Castle Chapel Market Manor Meadow Orchard Quarry Spring
    Victoria Albert Queens Kings Princess Windsor Coronation Jubilee Trafalgar Nelson Wellington Albion
    Clarence Gladstone Cromwell Milton Shelley Byron Tennyson Wordsworth Chaucer Dickens Brunel Telford
    Northfield Southfield Westfield Eastfield Highfield Greenfield Brookfield Fairfield Mayfield Springfield
    Hillside Riverside Lakeside Moorside Woodside Fernside Harbour Canal Forge Foundry Tannery Brewery""")
STREET_SUFFIXES = words("""Road Street Avenue Close Lane Drive Way Crescent Grove Gardens Place Terrace Court Walk
    Rise View Mews Row Hill Green Square Parade""")
STREET_ABBREVIATIONS: dict[str, str] = {
    "Road": "Rd",
    "Street": "St",
    "Avenue": "Ave",
    "Close": "Cl",
    "Lane": "Ln",
    "Drive": "Dr",
    "Crescent": "Cres",
    "Grove": "Gr",
    "Gardens": "Gdns",
    "Place": "Pl",
    "Terrace": "Terr",
    "Court": "Ct",
    "Square": "Sq",
    "Parade": "Pde",
}
BUILDING_WORDS = words("""Alder Beech Cedar Elm Heron Kestrel Lark Mallard Maple Oak Rowan Swan Willow Wren
    Nelson Victoria Albion Jubilee Regent Windsor Marlowe Linden Poplar Sovereign Canal Mill Foundry""")
BUILDING_SUFFIXES = words("House Court Heights Lodge Mansions Point Tower Apartments")
SCHOOL_PATRONS = words("""St_Mary's St_John's St_Peter's St_Michael's St_Joseph's Holy_Trinity Christ_Church
    All_Saints St_Andrew's St_Anne's Our_Lady's St_Thomas'""")
SCHOOL_PRIMARY_KINDS = words("""Primary_School Primary_Academy Junior_School Infant_and_Junior_School
    Church_of_England_Primary_School Catholic_Primary_School Community_Primary_School""")
SCHOOL_SECONDARY_KINDS = words("""Academy High_School School Community_College Church_of_England_Academy
    Catholic_High_School Grammar_School""")

# Children's names now common in these communities (Faker's lists for these locales lean to adults' names).
ROMANIAN_BOYS_HEAD = words(
    "Andrei David Alexandru Gabriel Luca Ștefan Matei Darius Eric Rareș Ionuț Mihai Denis Robert Cristian"
)
ROMANIAN_GIRLS_HEAD = words(
    "Maria Ioana Elena Sofia Ana Alexandra Daria Andreea Bianca Antonia Ilinca Roberta Denisa Larisa Gabriela"
)
TURKISH_BOYS_HEAD = words(
    "Yusuf Eymen Mustafa Emir Ömer Ali Kerem Mehmet Ahmet Efe Aras Miraç Hamza Alparslan Emre Baran Deniz"
)
TURKISH_GIRLS_HEAD = words(
    "Zeynep Elif Defne Eylül Azra Asel Ecrin Nehir Ela Meryem Ayşe Esila Duru Hira Zehra Melis İpek"
)
SOUTHERN_BOYS_HEAD = words("""Leonardo Francesco Alessandro Lorenzo Mateo Hugo Martín Lucas Daniel Pablo
    Santiago Gabriel Rafael João Tiago Diogo Gonçalo Rodrigo Tomás Enzo Matteo Marco""")
SOUTHERN_GIRLS_HEAD = words("""Sofia Giulia Aurora Lucía Martina María Paula Valentina Beatriz Leonor Matilde
    Alice Inês Carolina Mariana Laura Chiara Ginevra Alba Carla""")
HUNGARIAN_BOYS_HEAD = words("Bence Máté Levente Dominik Ádám Dániel Noel Marcell Milán Olivér Balázs Zalán")
HUNGARIAN_GIRLS_HEAD = words("Hanna Anna Zoé Léna Luca Emma Boglárka Lili Jázmin Zsófia Lara Nóra")
